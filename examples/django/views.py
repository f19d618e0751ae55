"""Django: the bell asks /herald/token for a token; models publish with one call."""
from django.contrib.auth.decorators import login_required
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import JsonResponse

from .herald import publish, user_token  # examples/python/herald.py, copied into your app
from .models import Comment


@login_required
def herald_token(request):
    # Used by <herald-bell token-url="/herald/token">: short-lived, renewed by the SDK.
    return JsonResponse({"token": user_token(str(request.user.pk), topics=[f"projects.{request.user.pk}.*"], ttl_s=900)})


@receiver(post_save, sender=Comment)
def notify_author(sender, instance, created, **kwargs):
    if created and instance.post.author_id != instance.author_id:
        publish(
            [str(instance.post.author_id)],
            f"{instance.author} commented on {instance.post.title}",
            body=instance.text[:200],
            url=instance.post.get_absolute_url(),
            dedupe_key=f"comment-{instance.pk}",
        )
