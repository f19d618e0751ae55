/**
 * ESLint rule `herald/no-unexplained-silence`: a failure that is dropped on purpose must say why.
 *
 * `no-floating-promises` accepts `void promise` and `.catch(() => {})` as "handled", and an empty
 * `catch {}` is legal JavaScript; all three can hide the fault that crashes or empties a node.
 * Each must either handle the failure (log it through the caller's `onError`/logger, and count it
 * where a metric exists) or carry a comment saying why silence is right: inside it, trailing its
 * statement, or on its own line directly above the statement. Reported:
 * - `void <promise>` unless the promise is a `.catch(handler)` / `.then(ok, handler)` chain;
 * - a `.catch(fn)` or `.then(ok, fn)` whose `fn` does nothing (`{}`, `undefined`; a literal such as
 *   `null` is a fallback value, not silence);
 * - an empty `catch {}` block.
 * Needs type information (it asks the type checker whether a voided value is a promise).
 */

/** @type {import('eslint').Rule.RuleModule} */
export const noUnexplainedSilence = {
  meta: {
    type: 'problem',
    docs: { description: 'Dropped promise failures must be handled or explained by a comment' },
    schema: [],
    messages: {
      voided: 'This voided promise drops its failure: handle it (.catch that logs and counts) or add a comment saying why silence is right.',
      emptyHandler: 'This handler drops the failure: log and count it, or add a comment saying why silence is right.',
      emptyCatch: 'This catch block drops the failure: log and count it, or add a comment saying why silence is right.',
    },
  },
  create(context) {
    const source = context.sourceCode;
    const services = source.parserServices;
    if (!services?.program) throw new Error('herald/no-unexplained-silence needs type information (parserOptions.project)');
    const checker = services.program.getTypeChecker();
    const comments = source.getAllComments();

    const ownLine = (c) => source.lines[c.loc.start.line - 1].slice(0, c.loc.start.column).trim() === '';
    /**
     * True when a comment lies inside `node` or `stmt`, trails `stmt` on its last line, or stands
     * on its own line directly above `stmt` (when `above`).
     */
    const explained = (node, stmt, above = true) =>
      comments.some(
        (c) =>
          (c.range[0] >= node.range[0] && c.range[1] <= node.range[1]) ||
          (c.range[0] >= stmt.range[0] && c.range[1] <= stmt.range[1]) ||
          (c.range[0] >= stmt.range[1] && c.loc.start.line === stmt.loc.end.line) ||
          (above && c.loc.end.line === stmt.loc.start.line - 1 && ownLine(c)),
      );
    const statementOf = (node) => {
      let n = node;
      while (n.parent && !/Statement$|Declaration$/.test(n.type)) n = n.parent;
      return n;
    };
    const isThenable = (node) => {
      const type = checker.getApparentType(services.getTypeAtLocation(node));
      const parts = type.isUnion() ? type.types : [type];
      return parts.some((t) => t.getProperty('then') !== undefined);
    };
    /** A callback that ignores its argument and does nothing. */
    const isSilent = (fn) => {
      if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return false;
      const body = fn.body;
      if (body.type === 'BlockStatement') return body.body.length === 0;
      // A literal (`() => null`, `() => false`) is a fallback value the caller goes on to use.
      if (body.type === 'Identifier' && body.name === 'undefined') return true;
      return body.type === 'UnaryExpression' && body.operator === 'void' && body.argument.type === 'Literal';
    };
    const method = (call) =>
      call.type === 'CallExpression' && call.callee.type === 'MemberExpression' && !call.callee.computed ? call.callee.property.name : null;
    /** The rejection handler of `.catch(h)` or `.then(ok, h)`, if the call is one. */
    const rejectionHandler = (node) => {
      const call = node.type === 'ChainExpression' ? node.expression : node;
      const m = method(call);
      if (m === 'catch') return call.arguments[0] ?? null;
      if (m === 'then') return call.arguments[1] ?? null;
      return null;
    };

    return {
      UnaryExpression(node) {
        if (node.operator !== 'void' || node.argument.type === 'Literal') return;
        if (rejectionHandler(node.argument)) return; // handled; a silent handler is reported below
        if (!isThenable(node.argument)) return;
        if (!explained(node, statementOf(node))) context.report({ node, messageId: 'voided' });
      },
      CallExpression(node) {
        const handler = rejectionHandler(node);
        if (!handler || !isSilent(handler)) return;
        if (!explained(handler, statementOf(node))) context.report({ node: handler, messageId: 'emptyHandler' });
      },
      CatchClause(node) {
        if (node.body.body.length > 0) return;
        if (!explained(node.body, node.body, false)) context.report({ node: node.body, messageId: 'emptyCatch' });
      },
    };
  },
};
