package flexslot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

const (
	tokenA = "flx_pat_partnerA0123456789abcdef"
	tokenB = "flx_pat_partnerB0123456789abcdef"
)

type logRecorder struct {
	mu      sync.Mutex
	entries []string
}

func (l *logRecorder) logf(_ context.Context, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, msg+" "+string(b))
}

func startEmulator(t *testing.T, opts emulator.Options) (*emulatortest.Instance, *flexslot.Client, *logRecorder) {
	t.Helper()
	opts.Tokens = []string{tokenA, tokenB}
	inst := emulatortest.StartInMemory(t, opts)
	logs := &logRecorder{}
	return inst, newClient(t, inst, tokenA, logs), logs
}

func newClient(t *testing.T, inst *emulatortest.Instance, token string, logs *logRecorder) *flexslot.Client {
	t.Helper()
	cfg := flexslot.Config{
		BaseURL: inst.URL, HTTPClient: inst.HTTPClient, Token: token, UserAgent: "terraform-provider-flexslot/test",
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
	}
	if logs != nil {
		cfg.Logf = logs.logf
	}
	c, err := flexslot.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func confidential(name string) flexslot.CreateRequest {
	return flexslot.CreateRequest{
		ApplicationName: name, ClientType: flexslot.ClientTypeConfidential,
		RedirectURIs:  []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/cb"},
		AllowedScopes: []string{"decks:read"}, ApplicationURL: "https://app.example.com",
	}
}

// operations returns the request log as "operation status" entries and clears it.
func operations(srv *emulator.Server) string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, fmt.Sprintf("%s %d", r.Operation, r.Status))
	}
	srv.ClearRequests()
	return strings.Join(out, ", ")
}

func wantOperations(t *testing.T, srv *emulator.Server, want ...string) {
	t.Helper()
	if got := operations(srv); got != strings.Join(want, ", ") {
		t.Errorf("request log = %q, want %q", got, strings.Join(want, ", "))
	}
}

// idempotencyModes runs f with the emulator honouring Idempotency-Key, then ignoring it.
func idempotencyModes(t *testing.T, f func(t *testing.T, opts emulator.Options)) {
	for _, ignore := range []bool{false, true} {
		name := "key honoured"
		if ignore {
			name = "key ignored"
		}
		t.Run(name, func(t *testing.T) { f(t, emulator.Options{IgnoreIdempotencyKey: ignore}) })
	}
}

func TestEmulatorEndpoints(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inst, c, logs := startEmulator(t, emulator.Options{})
		srv, ctx := inst.Server, context.Background()

		conf, err := c.OAuth2Clients.Create(ctx, confidential("Backend"))
		if err != nil {
			t.Fatal(err)
		}
		if conf.Secret == "" || !srv.VerifySecret(conf.Client.ClientID, conf.Secret) || conf.SecretRotatedAt == nil || conf.Adopted ||
			conf.Client.Status != flexslot.StatusActive || conf.Client.CreatedAt.IsZero() || conf.Client.ID == "" ||
			conf.Client.ApplicationURL != "https://app.example.com" || len(conf.Client.GrantTypes) == 0 || !conf.Client.RequirePKCE {
			t.Errorf("Create = %+v", conf)
		}
		pub, err := c.OAuth2Clients.Create(ctx, flexslot.CreateRequest{
			ApplicationName: "CLI", ClientType: flexslot.ClientTypePublic,
			RedirectURIs: []string{"http://localhost/cb"}, AllowedScopes: []string{"decks:write", "decks:read"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if pub.Secret != "" || pub.SecretRotatedAt != nil || pub.Client.SecretRotatedAt != nil || pub.Client.ClientType != flexslot.ClientTypePublic {
			t.Errorf("public Create = %+v", pub)
		}
		wantOperations(t, srv, "create 201", "create 201")

		list, err := c.OAuth2Clients.List(ctx)
		if err != nil || len(list) != 2 || list[0].ClientID != conf.Client.ClientID || list[1].ClientID != pub.Client.ClientID {
			t.Fatalf("List = %+v, %v", list, err)
		}
		if err := srv.Suspend(pub.Client.ClientID); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // past the list's reuse window
		got, err := c.OAuth2Clients.Get(ctx, pub.Client.ClientID)
		if err != nil || got.Status != flexslot.StatusSuspended {
			t.Fatalf("Get = %+v, %v", got, err)
		}

		name := "Backend v2"
		updated, err := c.OAuth2Clients.Update(ctx, conf.Client.ClientID, flexslot.UpdateRequest{ApplicationName: &name})
		if err != nil || updated.ApplicationName != name || len(updated.RedirectURIs) != 2 || updated.AllowedScopes[0] != "decks:read" {
			t.Fatalf("Update(name) = %+v, %v", updated, err)
		}
		empty := ""
		updated, err = c.OAuth2Clients.Update(ctx, conf.Client.ClientID, flexslot.UpdateRequest{
			RedirectURIs: []string{"https://app.example.com/cb/"}, ApplicationURL: &empty,
		})
		if err != nil || updated.ApplicationName != name || updated.RedirectURIs[0] != "https://app.example.com/cb/" || updated.ApplicationURL != "" {
			t.Fatalf("Update(lists) = %+v, %v", updated, err)
		}
		wantOperations(t, srv, "list 200", "list 200", "update 200", "update 200")

		rotated, err := c.OAuth2Clients.RotateSecret(ctx, conf.Client.ClientID)
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Secret == conf.Secret || !srv.VerifySecret(conf.Client.ClientID, rotated.Secret) || srv.VerifySecret(conf.Client.ClientID, conf.Secret) {
			t.Error("rotation did not replace the secret")
		}
		if err := c.OAuth2Clients.Revoke(ctx, conf.Client.ClientID); err != nil {
			t.Fatal(err)
		}
		wantOperations(t, srv, "rotate 200", "revoke 204", "list 200")

		// The list that confirmed the revocation serves the next reads.
		if _, err := c.OAuth2Clients.Get(ctx, conf.Client.ClientID); !flexslot.IsNotFound(err) {
			t.Errorf("Get(revoked) = %v", err)
		}
		if list, err := c.OAuth2Clients.List(ctx); err != nil || len(list) != 1 {
			t.Errorf("List after revoke = %+v, %v", list, err)
		}
		wantOperations(t, srv)
		// Revoking it again: DELETE answers 404, which the list confirms.
		if err := c.OAuth2Clients.Revoke(ctx, conf.Client.ClientID); err != nil {
			t.Errorf("second Revoke = %v", err)
		}
		wantOperations(t, srv, "revoke 404", "list 200")
		checkLogs(t, logs, tokenA, conf.Secret, rotated.Secret)
	})
}

func TestEmulatorErrorCodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inst, c, _ := startEmulator(t, emulator.Options{})
		ctx := context.Background()
		pub, err := c.OAuth2Clients.Create(ctx, flexslot.CreateRequest{ApplicationName: "SPA", ClientType: flexslot.ClientTypePublic,
			RedirectURIs: []string{"https://spa.example/cb"}, AllowedScopes: []string{"decks:read"}})
		if err != nil {
			t.Fatal(err)
		}
		id := pub.Client.ClientID
		bad := func(mod func(*flexslot.CreateRequest)) error {
			req := confidential("App")
			mod(&req)
			_, err := c.OAuth2Clients.Create(ctx, req)
			return err
		}
		check := func(name string, err error, status int, code, field string) {
			t.Helper()
			var apiErr *flexslot.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Code != code || apiErr.Field != field ||
				apiErr.Message == "" || apiErr.RequestID == "" || apiErr.ContentType != "application/json" || !strings.Contains(err.Error(), apiErr.RequestID) {
				t.Errorf("%s: err = %v, want %d %s field %q", name, err, status, code, field)
			}
		}

		check("empty name", bad(func(r *flexslot.CreateRequest) { r.ApplicationName = "" }), 400, emulator.CodeValidationError, "application_name")
		check("custom scheme", bad(func(r *flexslot.CreateRequest) { r.RedirectURIs = append(r.RedirectURIs, "com.example.app://cb") }),
			400, emulator.CodeInvalidRedirectURI, "redirect_uris[2]")
		check("unknown scope", bad(func(r *flexslot.CreateRequest) { r.AllowedScopes = []string{"decks:read", "vaults:open"} }),
			400, emulator.CodeInvalidScope, "allowed_scopes[1]")
		_, err = c.OAuth2Clients.Update(ctx, id, flexslot.UpdateRequest{RedirectURIs: []string{"http://app.example.com/cb"}})
		check("update redirect", err, 400, emulator.CodeInvalidRedirectURI, "redirect_uris[0]")

		_, err = newClient(t, inst, "flx_pat_unknown0123456789", nil).OAuth2Clients.List(ctx)
		check("unknown token", err, 401, emulator.CodeUnauthorized, "")
		if !flexslot.IsUnauthorized(err) || flexslot.IsNotFound(err) {
			t.Errorf("unknown token: %v", err)
		}

		// Another partner's client is not in this partner's list: gone, for it.
		other := newClient(t, inst, tokenB, nil)
		if _, err := other.OAuth2Clients.Get(ctx, id); !flexslot.IsNotFound(err) {
			t.Errorf("Get of another partner's client = %v", err)
		}
		if _, err := other.OAuth2Clients.RotateSecret(ctx, id); !flexslot.IsNotFound(err) {
			t.Errorf("RotateSecret of another partner's client = %v", err)
		}
		if _, ok := inst.Server.Client(id); !ok {
			t.Fatal("the client vanished")
		}

		_, err = c.OAuth2Clients.RotateSecret(ctx, id)
		check("rotate public", err, 409, emulator.CodePublicClientHasNoSecret, "")
		if flexslot.IsClientLimitReached(err) {
			t.Errorf("a public client's rotation reads as the client limit: %v", err)
		}

		for len(inst.Server.Clients(tokenA)) < emulator.MaxClients {
			if _, err := c.OAuth2Clients.Create(ctx, confidential(fmt.Sprint("Filler ", len(inst.Server.Clients(tokenA))))); err != nil {
				t.Fatal(err)
			}
		}
		_, err = c.OAuth2Clients.Create(ctx, confidential("One too many"))
		check("limit", err, 409, emulator.CodeClientLimitReached, "")
		if !flexslot.IsClientLimitReached(err) || flexslot.IsNotFound(err) {
			t.Errorf("IsClientLimitReached(%v) = false", err)
		}
	})
}

func TestEmulatorWithoutUpdate(t *testing.T) {
	_, c, _ := startEmulator(t, emulator.Options{WithoutUpdate: true})
	ctx := context.Background()
	created, err := c.OAuth2Clients.Create(ctx, confidential("App"))
	if err != nil {
		t.Fatal(err)
	}
	name := "Renamed"
	_, err = c.OAuth2Clients.Update(ctx, created.Client.ClientID, flexslot.UpdateRequest{ApplicationName: &name})
	if !errors.Is(err, flexslot.ErrUpdateUnsupported) || flexslot.IsNotFound(err) {
		t.Errorf("Update = %v, want ErrUpdateUnsupported", err)
	}
}

func TestEmulatorWithoutDelete(t *testing.T) {
	inst, c, _ := startEmulator(t, emulator.Options{WithoutDelete: true})
	ctx := context.Background()
	created, err := c.OAuth2Clients.Create(ctx, confidential("App"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.Client.ClientID
	err = c.OAuth2Clients.Revoke(ctx, id)
	if !errors.Is(err, flexslot.ErrRevokeUnsupported) || flexslot.IsNotFound(err) {
		t.Fatalf("Revoke = %v, want ErrRevokeUnsupported", err)
	}
	if got, err := c.OAuth2Clients.Get(ctx, id); err != nil || got.Status != flexslot.StatusActive {
		t.Fatalf("after the refused revoke: %+v, %v", got, err)
	}
	// Once revoked in the dashboard, the client is gone and Revoke has nothing left to do.
	if _, err := inst.Server.Revoke(id); err != nil {
		t.Fatal(err)
	}
	if err := c.OAuth2Clients.Revoke(ctx, id); err != nil {
		t.Errorf("Revoke after the dashboard revoke = %v, want nil", err)
	}
}

func TestEmulatorListRevoked(t *testing.T) {
	inst, c, _ := startEmulator(t, emulator.Options{ListRevoked: true})
	ctx := context.Background()
	created, err := c.OAuth2Clients.Create(ctx, confidential("App"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OAuth2Clients.Revoke(ctx, created.Client.ClientID); err != nil {
		t.Fatal(err)
	}
	all, err := c.OAuth2Clients.List(ctx)
	if err != nil || len(all) != 1 || all[0].Status != flexslot.StatusRevoked {
		t.Errorf("List = %+v, %v", all, err)
	}
	if _, err := c.OAuth2Clients.Get(ctx, created.Client.ClientID); !flexslot.IsNotFound(err) {
		t.Errorf("Get(revoked) = %v", err)
	}
	if err := c.OAuth2Clients.Revoke(ctx, created.Client.ClientID); err != nil {
		t.Errorf("second Revoke = %v", err)
	}
	if n := len(inst.Server.Clients(tokenA)); n != 0 {
		t.Errorf("%d live clients", n)
	}
}

// TestEmulatorRetries checks how each kind of failure the emulator injects
// is retried, or not, and reported.
func TestEmulatorRetries(t *testing.T) {
	// setup starts an emulator with one client created and the request log
	// cleared; when the case ends, it checks that no log entry leaks a secret.
	setup := func(t *testing.T) (*emulatortest.Instance, *flexslot.Client, *flexslot.IssuedSecret) {
		t.Helper()
		inst, c, logs := startEmulator(t, emulator.Options{})
		created, err := c.OAuth2Clients.Create(context.Background(), confidential("App"))
		if err != nil {
			t.Fatal(err)
		}
		inst.Server.ClearRequests()
		t.Cleanup(func() { checkLogs(t, logs, tokenA, created.Secret) })
		return inst, c, created
	}
	ctx := context.Background()

	t.Run("Retry-After is waited, exactly", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, c, _ := setup(t)
			srv := inst.Server
			srv.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Times: 1, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 1})
			start := time.Now()
			if _, err := c.OAuth2Clients.List(ctx); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d != time.Second {
				t.Errorf("Retry-After 1 took %s, want 1s", d)
			}
			wantOperations(t, srv, "list 429", "list 200")
		})
	})

	t.Run("a 503 with the API's error body did nothing: the create is sent again", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, c, _ := setup(t)
			srv := inst.Server
			srv.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 3, Kind: emulator.FaultStatus, Status: 503})
			if _, err := c.OAuth2Clients.Create(ctx, confidential("Other")); err != nil {
				t.Fatal(err)
			}
			wantOperations(t, srv, "create 503", "create 503", "create 503", "create 201")
			if n := len(srv.Clients(tokenA)); n != 2 {
				t.Errorf("%d clients, want the first and the one created once", n)
			}
		})
	})

	t.Run("an update whose answer was lost is sent again", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, c, created := setup(t)
			srv := inst.Server
			srv.AddFault(emulator.Fault{Method: "PATCH", PathPrefix: emulator.BasePath, Times: 1, Kind: emulator.FaultDropAfterCommit})
			name := "Renamed"
			if u, err := c.OAuth2Clients.Update(ctx, created.Client.ClientID, flexslot.UpdateRequest{ApplicationName: &name}); err != nil || u.ApplicationName != name {
				t.Fatalf("Update = %+v, %v", u, err)
			}
			wantOperations(t, srv, "update 200", "update 200")
		})
	})

	t.Run("a gateway's HTML 502 is retried", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, c, created := setup(t)
			srv := inst.Server
			srv.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Times: 2, Kind: emulator.FaultHTMLError, Status: 502})
			if _, err := c.OAuth2Clients.Get(ctx, created.Client.ClientID); err != nil {
				t.Fatal(err)
			}
			wantOperations(t, srv, "list 502", "list 502", "list 200")
		})
	})

	t.Run("a revoke whose answer was lost is confirmed by its 404 and a list", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, c, created := setup(t)
			srv := inst.Server
			srv.AddFault(emulator.Fault{Method: "DELETE", PathPrefix: emulator.BasePath, Times: 1, Kind: emulator.FaultDropAfterCommit})
			if err := c.OAuth2Clients.Revoke(ctx, created.Client.ClientID); err != nil {
				t.Fatalf("Revoke whose answer was lost = %v", err)
			}
			wantOperations(t, srv, "revoke 204", "revoke 404", "list 200")
		})
	})

	t.Run("exhausted retries say how many attempts were made and what came last", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, _, _ := setup(t)
			limited, err := flexslot.NewClient(flexslot.Config{BaseURL: inst.URL, HTTPClient: inst.HTTPClient, Token: tokenA, RetryMax: 2, RetryWaitMin: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			inst.Server.AddFault(emulator.Fault{Method: "GET", Kind: emulator.FaultStatus, Status: 503, PathPrefix: emulator.BasePath})
			_, err = limited.OAuth2Clients.List(ctx)
			var apiErr *flexslot.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Code != emulator.CodeInjectedFault ||
				!strings.Contains(err.Error(), "giving up after 3 attempts, last status 503") || strings.Contains(err.Error(), "rate limited") {
				t.Errorf("exhausted retries: %v", err)
			}
			wantOperations(t, inst.Server, "list 503", "list 503", "list 503")
		})
	})

	t.Run("a deadline stops retrying even when retries remain", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, _, _ := setup(t)
			inst.Server.AddFault(emulator.Fault{Method: "GET", Kind: emulator.FaultStatus, Status: 504, PathPrefix: emulator.BasePath})
			dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			_, err := newClient(t, inst, tokenA, nil).OAuth2Clients.List(dctx)
			if err == nil || !strings.Contains(err.Error(), "last status 504") {
				t.Errorf("deadline: %v", err)
			}
		})
	})

	t.Run("a 500 is final, and reported plainly without quoting a page", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inst, _, _ := setup(t)
			inst.Server.AddFault(emulator.Fault{Method: "GET", Kind: emulator.FaultHTMLError, Status: 500, Times: 1, PathPrefix: emulator.BasePath})
			_, err := newClient(t, inst, tokenA, nil).OAuth2Clients.List(ctx)
			var apiErr *flexslot.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.Contains(err.Error(), "unexpected response body (text/html") ||
				strings.Contains(err.Error(), "<") || strings.Contains(strings.ToLower(err.Error()), "retr") {
				t.Errorf("HTML 500: %v", err)
			}
			wantOperations(t, inst.Server, "list 500")
		})
	})
}

// TestEmulatorLostCreate loses the answer of a create that the emulator
// carried out, in every way, with Idempotency-Key honoured and ignored: one
// client, with a working secret, every time.
func TestEmulatorLostCreate(t *testing.T) {
	idempotencyModes(t, func(t *testing.T, opts emulator.Options) {
		for _, fault := range []emulator.Fault{
			{Kind: emulator.FaultDropAfterCommit},
			{Kind: emulator.FaultMalformedBody},
			{Kind: emulator.FaultStatus, Status: 502},
			{Kind: emulator.FaultStatus, Status: 504},
			{Kind: emulator.FaultHTMLError, Status: 503},
		} {
			t.Run(fmt.Sprint(fault.Kind, fault.Status), func(t *testing.T) {
				inst, c, logs := startEmulator(t, opts)
				srv := inst.Server
				fault.Method, fault.PathPrefix, fault.Times = "POST", emulator.BasePath, 1
				srv.AddFault(fault)

				issued, err := c.OAuth2Clients.Create(context.Background(), confidential("Lost"))
				if err != nil {
					t.Fatal(err)
				}
				clients := srv.Clients(tokenA)
				if len(clients) != 1 || clients[0].ClientID != issued.Client.ClientID {
					t.Fatalf("after a lost create the partner holds %+v, want exactly the returned client", clients)
				}
				if !srv.VerifySecret(issued.Client.ClientID, issued.Secret) {
					t.Error("the returned secret does not verify")
				}
				checkLogs(t, logs, tokenA, issued.Secret)
			})
		}
	})
}

func TestEmulatorLostRotate(t *testing.T) {
	idempotencyModes(t, func(t *testing.T, opts emulator.Options) {
		for _, kind := range []string{emulator.FaultDropAfterCommit, emulator.FaultMalformedBody} {
			t.Run(kind, func(t *testing.T) {
				inst, c, logs := startEmulator(t, opts)
				srv, ctx := inst.Server, context.Background()
				created, err := c.OAuth2Clients.Create(ctx, confidential("Rotating"))
				if err != nil {
					t.Fatal(err)
				}
				id := created.Client.ClientID
				srv.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath + "/" + id + "/rotate-secret", Times: 1, Kind: kind})
				rotated, err := c.OAuth2Clients.RotateSecret(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if !srv.VerifySecret(id, rotated.Secret) || srv.VerifySecret(id, created.Secret) {
					t.Error("the returned secret is not the current one")
				}
				if stored, _ := srv.Client(id); stored.SecretRotatedAt == nil || !stored.SecretRotatedAt.Equal(*rotated.SecretRotatedAt) {
					t.Errorf("secret_rotated_at = %v, returned %v", stored.SecretRotatedAt, rotated.SecretRotatedAt)
				}
				checkLogs(t, logs, tokenA, created.Secret, rotated.Secret)
			})
		}
	})
}

// TestEmulatorRefreshCostsOneRequest reads ten clients at once, as a refresh does.
func TestEmulatorRefreshCostsOneRequest(t *testing.T) {
	inst, c, _ := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	var ids []string
	for i := range 10 {
		created, err := c.OAuth2Clients.Create(ctx, confidential(fmt.Sprint("App ", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, created.Client.ClientID)
	}
	inst.Server.ClearRequests()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if _, err := c.OAuth2Clients.Get(ctx, id); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	wantOperations(t, inst.Server, "list 200")
}

func TestEmulatorRedactsSecrets(t *testing.T) {
	inst, c, logs := startEmulator(t, emulator.Options{})
	ctx := context.Background()
	issued, err := c.OAuth2Clients.Create(ctx, confidential("App"))
	if err != nil {
		t.Fatal(err)
	}
	// Values the server may quote back in its messages.
	for _, uri := range []string{"http://evil.example/cb?s=" + issued.Secret, "https://evil.example/*" + tokenA, "x-" + tokenA + "://cb"} {
		_, err := c.OAuth2Clients.Update(ctx, issued.Client.ClientID, flexslot.UpdateRequest{RedirectURIs: []string{uri}})
		if err == nil {
			t.Fatalf("Update(%q) succeeded", uri)
		}
		if msg := err.Error(); strings.Contains(msg, issued.Secret) || strings.Contains(msg, tokenA) {
			t.Errorf("error leaks a secret: %s", msg)
		}
	}
	_, err = newClient(t, inst, "opaque-token-"+tokenB[8:], logs).OAuth2Clients.List(ctx)
	if err == nil || strings.Contains(err.Error(), tokenB[8:]) {
		t.Errorf("401 error: %v", err)
	}
	checkLogs(t, logs, tokenA, issued.Secret, tokenB[8:])
}

// checkLogs asserts that logging happened and that no entry holds a secret.
func checkLogs(t *testing.T, logs *logRecorder, secrets ...string) {
	t.Helper()
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if len(logs.entries) == 0 {
		t.Error("nothing was logged")
	}
	for _, e := range logs.entries {
		for _, s := range secrets {
			if s != "" && strings.Contains(e, s) {
				t.Errorf("log entry leaks %q: %s", s[:10], e)
			}
		}
		if !strings.Contains(e, `"attempt":`) || !strings.Contains(e, `"Authorization":"[REDACTED]"`) {
			t.Errorf("log entry lacks the attempt or a redacted Authorization: %s", e)
		}
	}
}

// TestEmulatorOpaqueClientIDs sends client IDs of any form: each travels as
// one escaped path segment and reaches the client's own route, never another.
func TestEmulatorOpaqueClientIDs(t *testing.T) {
	inst, c, _ := startEmulator(t, emulator.Options{})
	srv := inst.Server
	ctx := context.Background()
	for _, id := range []string{"cli/rotate-secret", ".", "..", "a?b#c", "clé", "%2E%2E", "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y"} {
		srv.ClearRequests()
		if _, err := c.OAuth2Clients.RotateSecret(ctx, id); !flexslot.IsNotFound(err) {
			t.Errorf("RotateSecret(%q) = %v, want ErrNotFound", id, err)
		}
		reqs := srv.Requests()
		if len(reqs) == 0 || reqs[0].Operation != emulator.OperationRotate || reqs[0].Path != emulator.BasePath+"/"+id+"/rotate-secret" {
			t.Errorf("RotateSecret(%q) reached %+v", id, reqs)
		}
	}
}
