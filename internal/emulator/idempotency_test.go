package emulator_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

func TestIdempotentCreateReplays(t *testing.T) {
	inst := startTwoPartners(t)
	body := createBody("App", "confidential")
	first := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "key-1")
	expectStatus(t, first, http.StatusCreated)
	second := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "key-1")
	if second.status != first.status || !bytes.Equal(second.body, first.body) {
		t.Fatalf("replay differs:\n%d %s\n%d %s", first.status, first.body, second.status, second.body)
	}
	if n := len(inst.Server.Clients(tokenA)); n != 1 {
		t.Fatalf("%d clients after a replayed create, want 1", n)
	}

	e := expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Other", "confidential"), "Idempotency-Key", "key-1"),
		http.StatusUnprocessableEntity, emulator.CodeIdempotencyKeyReused, "")
	if e.Message == "" {
		t.Error("no message")
	}
	// The same key on another endpoint is another request too.
	var created oneTimeSecret
	first.decode(t, &created)
	expectError(t, call(t, inst, tokenA, http.MethodPost, clientPath(created.Client.ClientID)+"/rotate-secret", "", "Idempotency-Key", "key-1"),
		http.StatusUnprocessableEntity, emulator.CodeIdempotencyKeyReused, "")

	// Keys belong to one partner.
	expectStatus(t, call(t, inst, tokenB, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "key-1"), http.StatusCreated)

	expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", strings.Repeat("k", 256)),
		http.StatusBadRequest, emulator.CodeValidationError, "")
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Longest key", "public"), "Idempotency-Key", strings.Repeat("k", 255)),
		http.StatusCreated)
	if n := len(inst.Server.Clients(tokenA)); n != 2 {
		t.Fatalf("%d clients, want 2", n)
	}
}

func TestIdempotentRotateReplaysSecret(t *testing.T) {
	inst := startTwoPartners(t)
	id := create(t, inst, tokenA, "confidential").Client.ClientID
	path := clientPath(id) + "/rotate-secret"
	first := call(t, inst, tokenA, http.MethodPost, path, "", "Idempotency-Key", "rotate-1")
	expectStatus(t, first, http.StatusOK)
	second := call(t, inst, tokenA, http.MethodPost, path, "", "Idempotency-Key", "rotate-1")
	if !bytes.Equal(first.body, second.body) {
		t.Fatalf("replay differs:\n%s\n%s", first.body, second.body)
	}
	var rotated oneTimeSecret
	first.decode(t, &rotated)
	if !inst.Server.VerifySecret(id, rotated.PlaintextClientSecret) {
		t.Fatal("the replay rotated the secret again")
	}
}

func TestIdempotencyConcurrentSameKey(t *testing.T) {
	inst := startTwoPartners(t)
	body := createBody("App", "confidential")
	bodies := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Go(func() {
			bodies[i] = call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "same").body
		})
	}
	wg.Wait()
	for _, b := range bodies[1:] {
		if !bytes.Equal(b, bodies[0]) {
			t.Fatalf("concurrent replays differ:\n%s\n%s", bodies[0], b)
		}
	}
	if n := len(inst.Server.Clients(tokenA)); n != 1 {
		t.Fatalf("%d clients, want 1", n)
	}
}

func TestIdempotencyKeysExpireAfter24Hours(t *testing.T) {
	now := time.Date(2026, 6, 2, 18, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	inst := emulatortest.Start(t, emulator.Options{Tokens: []string{tokenA}, Now: clock})
	body := createBody("App", "public")
	first := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "k")
	mu.Lock()
	now = now.Add(23 * time.Hour)
	mu.Unlock()
	if r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "k"); !bytes.Equal(r.body, first.body) {
		t.Fatal("no replay within 24 hours")
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	if r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "k"); bytes.Equal(r.body, first.body) || r.status != http.StatusCreated {
		t.Fatalf("replayed after 24 hours: %d %s", r.status, r.body)
	}
	if n := len(inst.Server.Clients(tokenA)); n != 2 {
		t.Fatalf("%d clients, want 2", n)
	}
}

func TestIgnoreIdempotencyKey(t *testing.T) {
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA}, IgnoreIdempotencyKey: true})
	body := createBody("App", "confidential")
	first := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "key-1")
	second := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body, "Idempotency-Key", "key-1")
	expectStatus(t, first, http.StatusCreated)
	expectStatus(t, second, http.StatusCreated)
	if bytes.Equal(first.body, second.body) {
		t.Fatal("a re-sent create was replayed")
	}
	if n := len(inst.Server.Clients(tokenA)); n != 2 {
		t.Fatalf("%d clients, want 2: the re-sent create must act again", n)
	}
	// Another request under the same key is no error either.
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Other", "public"), "Idempotency-Key", "key-1"), http.StatusCreated)

	// Rotation acts again too: the first rotated secret no longer works.
	var created oneTimeSecret
	first.decode(t, &created)
	path := clientPath(created.Client.ClientID) + "/rotate-secret"
	var r1, r2 oneTimeSecret
	call(t, inst, tokenA, http.MethodPost, path, "", "Idempotency-Key", "rotate").decode(t, &r1)
	call(t, inst, tokenA, http.MethodPost, path, "", "Idempotency-Key", "rotate").decode(t, &r2)
	if r1.PlaintextClientSecret == r2.PlaintextClientSecret || inst.Server.VerifySecret(created.Client.ClientID, r1.PlaintextClientSecret) ||
		!inst.Server.VerifySecret(created.Client.ClientID, r2.PlaintextClientSecret) {
		t.Error("a re-sent rotate did not rotate again")
	}
}
