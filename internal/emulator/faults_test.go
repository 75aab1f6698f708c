package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

func TestFaultStatus(t *testing.T) {
	inst := startTwoPartners(t)
	inst.Server.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 1, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 2})

	// A GET does not match the POST fault.
	expectStatus(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""), http.StatusOK)
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "public"))
	expectError(t, r, http.StatusTooManyRequests, emulator.CodeInjectedFault, "")
	if r.header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	if n := len(inst.Server.Clients(tokenA)); n != 0 {
		t.Fatal("a status fault processed the request")
	}
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "public")), http.StatusCreated)

	// times 0 lasts until cleared; the status defaults to 503.
	inst.Server.AddFault(emulator.Fault{Kind: emulator.FaultStatus})
	for range 3 {
		r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
		expectError(t, r, http.StatusServiceUnavailable, emulator.CodeInjectedFault, "")
		if r.header.Get("Retry-After") != "" {
			t.Error("Retry-After without retry_after")
		}
	}
	inst.Server.ClearFaults()
	expectStatus(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""), http.StatusOK)
}

func TestFaultHTMLError(t *testing.T) {
	inst := startTwoPartners(t)
	inst.Server.AddFault(emulator.Fault{Times: 1, Kind: emulator.FaultHTMLError})
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "public"))
	if r.status != http.StatusBadGateway || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html>") {
		t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if n := len(inst.Server.Clients(tokenA)); n != 0 {
		t.Fatal("an html_error fault processed the request")
	}
	inst.Server.AddFault(emulator.Fault{Times: 1, Kind: emulator.FaultHTMLError, Status: 504})
	if r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""); r.status != http.StatusGatewayTimeout {
		t.Fatalf("status %d", r.status)
	}
}

// A proxy in front of the API that does not know the revoke endpoint answers
// an HTML 404; the client must not take it for "already revoked".
func TestFaultHTMLNotFoundOnDelete(t *testing.T) {
	inst := startTwoPartners(t)
	id := create(t, inst, tokenA, "confidential").Client.ClientID
	inst.Server.AddFault(emulator.Fault{Method: http.MethodDelete, PathPrefix: emulator.BasePath + "/", Kind: emulator.FaultHTMLError, Status: 404})
	r := call(t, inst, tokenA, http.MethodDelete, clientPath(id), "")
	if r.status != http.StatusNotFound || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(r.body), "404 Not Found") || json.Valid(r.body) {
		t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if c, _ := inst.Server.Client(id); c.Status != emulator.StatusActive {
		t.Fatal("the html_error fault processed the DELETE")
	}
	// Other methods on the same path are untouched.
	expectStatus(t, call(t, inst, tokenA, http.MethodGet, clientPath(id), ""), http.StatusOK)
	log := inst.Server.Requests()
	if last := log[len(log)-2]; last.Operation != emulator.OperationRevoke || last.Status != 404 || last.Fault != emulator.FaultHTMLError {
		t.Errorf("request log %+v", last)
	}
	// Through the control API too.
	inst.Server.ClearFaults()
	control(t, inst, http.MethodPost, "/faults", `{"method":"DELETE","kind":"html_error","status":404}`, http.StatusCreated, nil)
	if r := call(t, inst, tokenA, http.MethodDelete, clientPath(id), ""); r.status != http.StatusNotFound || r.header.Get(emulator.FaultHeader) != emulator.FaultHTMLError {
		t.Fatalf("%d %v", r.status, r.header)
	}
}

func TestFaultMalformedBody(t *testing.T) {
	inst := startTwoPartners(t)
	inst.Server.AddFault(emulator.Fault{Method: "POST", Times: 1, Kind: emulator.FaultMalformedBody})
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "public"))
	expectStatus(t, r, http.StatusCreated)
	if json.Valid(r.body) || len(r.body) == 0 {
		t.Fatalf("body is not truncated JSON: %s", r.body)
	}
	if n := len(inst.Server.Clients(tokenA)); n != 1 {
		t.Fatal("malformed_body did not process the request")
	}
}

func TestFaultDropAfterCommit(t *testing.T) {
	inst := startTwoPartners(t)
	inst.Server.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 1, Kind: emulator.FaultDropAfterCommit})
	req, _ := http.NewRequest(http.MethodPost, inst.URL+emulator.BasePath, strings.NewReader(createBody("App", "confidential")))
	req.Header.Set("Authorization", "Bearer "+tokenA)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "lost-1")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer (%d) from a dropped connection", resp.StatusCode)
	}
	clients := inst.Server.Clients(tokenA)
	if len(clients) != 1 {
		t.Fatalf("%d clients: the change was not committed", len(clients))
	}
	// The retry with the same key gets the lost response and nothing new.
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "confidential"), "Idempotency-Key", "lost-1")
	expectStatus(t, r, http.StatusCreated)
	var created oneTimeSecret
	r.decode(t, &created)
	if created.Client.ClientID != clients[0].ClientID || !inst.Server.VerifySecret(created.Client.ClientID, created.PlaintextClientSecret) {
		t.Fatalf("retry did not replay the lost create: %s", r.body)
	}
	log := inst.Server.Requests()
	if len(log) != 2 || log[0].Status != http.StatusCreated || log[0].Fault != emulator.FaultDropAfterCommit || log[0].IdempotencyKey != "lost-1" {
		t.Fatalf("request log %+v", log)
	}
}

func TestFaultLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inst := emulatortest.StartInMemory(t, emulator.Options{Tokens: []string{tokenA, tokenB}})
		const latency = 300 * time.Millisecond
		inst.Server.AddFault(emulator.Fault{Method: "GET", Kind: emulator.FaultLatency, LatencyMS: int(latency / time.Millisecond)})

		// Waits run in parallel, not one after another.
		start := time.Now()
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() { expectStatus(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""), http.StatusOK) })
		}
		wg.Wait()
		if elapsed := time.Since(start); elapsed != latency {
			t.Fatalf("5 parallel requests took %v with %v latency each, want %v", elapsed, latency, latency)
		}

		// A caller that gives up ends the wait, and nothing is processed.
		inst.Server.ClearFaults()
		inst.Server.ClearRequests()
		inst.Server.AddFault(emulator.Fault{Method: "POST", Kind: emulator.FaultLatency, LatencyMS: 10_000})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, inst.URL+emulator.BasePath, strings.NewReader(createBody("App", "public")))
		req.Header.Set("Authorization", "Bearer "+tokenA)
		req.Header.Set("Content-Type", "application/json")
		if _, err := inst.HTTPClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		synctest.Wait() // the emulator has ended the request, or still waits out its latency
		if log := inst.Server.Requests(); len(log) != 1 || log[0].Status != 0 {
			t.Fatalf("request log %+v", log)
		}
		if n := len(inst.Server.Clients(tokenA)); n != 0 {
			t.Fatal("a cancelled request was processed")
		}
	})
}

// TestAwaitRequests checks that AwaitRequests returns as soon as the log
// satisfies it, and with the context's error when it never does.
func TestAwaitRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inst := emulatortest.StartInMemory(t, emulator.Options{Tokens: []string{tokenA}})
		got := make(chan []emulator.RequestRecord, 1)
		go func() {
			log, err := inst.Server.AwaitRequests(t.Context(), func(log []emulator.RequestRecord) bool { return len(log) == 2 })
			if err != nil {
				t.Error(err)
			}
			got <- log
		}()
		list(t, inst, tokenA)
		synctest.Wait()
		select {
		case log := <-got:
			t.Fatalf("returned %+v after one request, want two", log)
		default:
		}
		list(t, inst, tokenA)
		if log := <-got; len(log) != 2 {
			t.Errorf("returned %+v, want two requests", log)
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		log, err := inst.Server.AwaitRequests(ctx, func(log []emulator.RequestRecord) bool { return len(log) > 2 })
		if !errors.Is(err, context.DeadlineExceeded) || len(log) != 2 || time.Since(start) != time.Minute {
			t.Errorf("never satisfied: %d requests, %v after %v, want 2 and the deadline's error after 1m", len(log), err, time.Since(start))
		}
	})
}

func TestFaultsSkipControlAPI(t *testing.T) {
	inst := startTwoPartners(t)
	inst.Server.AddFault(emulator.Fault{Kind: emulator.FaultStatus, Status: 500})
	resp, err := http.Get(inst.URL + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("control API faulted: %d", resp.StatusCode)
	}
}

func TestAddFaultPanicsOnInvalidFault(t *testing.T) {
	s, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	s.AddFault(emulator.Fault{Kind: "teapot"})
}
