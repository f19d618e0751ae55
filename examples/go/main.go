// Publish a notification to Herald with the Go standard library.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"
)

type notification struct {
	Recipients []string `json:"recipients"`
	Title      string   `json:"title"`
	Body       string   `json:"body,omitempty"`
	Severity   string   `json:"severity,omitempty"`
	URL        string   `json:"url,omitempty"`
}

func publish(n notification) error {
	base := os.Getenv("HERALD_URL")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	body, _ := json.Marshal(n)
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/notifications", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+os.Getenv("HERALD_API_KEY"))
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("herald answered %s", res.Status)
	}
	return nil
}

func main() {
	if err := publish(notification{Recipients: []string{"alice"}, Title: "Build #812 passed", Severity: "success"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
