package emulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

// control calls the control API and decodes a JSON answer into out when given.
func control(t *testing.T, inst *emulatortest.Instance, method, path, body string, wantStatus int, out any) {
	t.Helper()
	r := call(t, inst, "", method, "/_emulator"+path, body)
	expectStatus(t, r, wantStatus)
	if out != nil {
		r.decode(t, out)
	}
}

// TestControlAPI covers each control endpoint on an emulator of its own, so
// that one failing endpoint does not hide the others.
func TestControlAPI(t *testing.T) {
	type envelope struct {
		Client emulator.Client `json:"client"`
	}
	t.Run("suspend and unsuspend", func(t *testing.T) {
		inst := startTwoPartners(t)
		id := create(t, inst, tokenA, "confidential").Client.ClientID
		var got envelope
		control(t, inst, http.MethodPost, "/clients/"+id+"/suspend", "", http.StatusOK, &got)
		if got.Client.Status != emulator.StatusSuspended {
			t.Errorf("after suspend: %+v", got.Client)
		}
		r := call(t, inst, tokenA, http.MethodGet, clientPath(id), "")
		if !strings.Contains(string(r.body), `"status":"suspended"`) {
			t.Errorf("API does not show the suspension: %s", r.body)
		}
		// A suspended client can still be edited, but not granted tokens.
		expectStatus(t, call(t, inst, tokenA, http.MethodPatch, clientPath(id), `{"application_name":"Still editable"}`), http.StatusOK)
		control(t, inst, http.MethodPost, "/clients/"+id+"/grants", "", http.StatusConflict, nil)
		control(t, inst, http.MethodPost, "/clients/"+id+"/unsuspend", "", http.StatusOK, &got)
		if got.Client.Status != emulator.StatusActive {
			t.Errorf("after unsuspend: %+v", got.Client)
		}
		control(t, inst, http.MethodPost, "/clients/cli_unknown/suspend", "", http.StatusNotFound, nil)
	})

	t.Run("verify-secret", func(t *testing.T) {
		inst := startTwoPartners(t)
		created := create(t, inst, tokenA, "confidential")
		id := created.Client.ClientID
		var verified struct {
			Valid bool `json:"valid"`
		}
		body, _ := json.Marshal(map[string]string{"client_id": id, "client_secret": created.PlaintextClientSecret})
		control(t, inst, http.MethodPost, "/verify-secret", string(body), http.StatusOK, &verified)
		if !verified.Valid {
			t.Error("verify-secret refused the issued secret")
		}
		control(t, inst, http.MethodPost, "/verify-secret", `{"client_id":"`+id+`","client_secret":"flx_cs_wrong"}`, http.StatusOK, &verified)
		if verified.Valid {
			t.Error("verify-secret accepted a wrong secret")
		}
		control(t, inst, http.MethodPost, "/verify-secret", `{"client":"x"}`, http.StatusBadRequest, nil)
	})

	t.Run("grants and tokens", func(t *testing.T) {
		inst := startTwoPartners(t)
		id := create(t, inst, tokenA, "confidential").Client.ClientID
		var granted struct {
			AccessToken string `json:"access_token"`
		}
		control(t, inst, http.MethodPost, "/clients/"+id+"/grants", "", http.StatusCreated, &granted)
		if !strings.HasPrefix(granted.AccessToken, "flx_at_") {
			t.Fatalf("access token %q", granted.AccessToken)
		}
		var active struct {
			Active bool `json:"active"`
		}
		control(t, inst, http.MethodGet, "/tokens/"+granted.AccessToken, "", http.StatusOK, &active)
		if !active.Active {
			t.Error("fresh token inactive")
		}
		expectStatus(t, call(t, inst, tokenA, http.MethodDelete, clientPath(id), ""), http.StatusNoContent)
		control(t, inst, http.MethodGet, "/tokens/"+granted.AccessToken, "", http.StatusOK, &active)
		if active.Active {
			t.Error("token active after revocation")
		}
		control(t, inst, http.MethodGet, "/tokens/flx_at_unknown", "", http.StatusOK, &active)
		if active.Active {
			t.Error("unknown token active")
		}
		control(t, inst, http.MethodPost, "/clients/"+id+"/grants", "", http.StatusNotFound, nil)
	})

	t.Run("request log", func(t *testing.T) {
		inst := startTwoPartners(t)
		id := create(t, inst, tokenA, "confidential").Client.ClientID
		call(t, inst, tokenA, http.MethodGet, clientPath(id), "")
		call(t, inst, tokenA, http.MethodPatch, clientPath(id), `{"application_name":"Renamed"}`)
		call(t, inst, tokenA, http.MethodDelete, clientPath(id), "")
		// Control calls are not logged.
		control(t, inst, http.MethodGet, "/tokens/flx_at_unknown", "", http.StatusOK, nil)
		var log struct {
			Requests []emulator.RequestRecord `json:"requests"`
		}
		control(t, inst, http.MethodGet, "/requests", "", http.StatusOK, &log)
		var got []string
		for i, rec := range log.Requests {
			got = append(got, fmt.Sprintf("%s %s %d", rec.Method, rec.Operation, rec.Status))
			if rec.At.IsZero() || !strings.HasPrefix(rec.Path, emulator.BasePath) {
				t.Errorf("request %d: %+v", i, rec)
			}
		}
		want := []string{"POST create 201", "GET get 200", "PATCH update 200", "DELETE revoke 204"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("request log (-want +got):\n%s", diff)
		}
		control(t, inst, http.MethodDelete, "/requests", "", http.StatusNoContent, nil)
		control(t, inst, http.MethodGet, "/requests", "", http.StatusOK, &log)
		if len(log.Requests) != 0 {
			t.Errorf("request log not cleared: %+v", log.Requests)
		}
	})

	t.Run("faults", func(t *testing.T) {
		inst := startTwoPartners(t)
		var fault struct {
			ID string `json:"id"`
		}
		control(t, inst, http.MethodPost, "/faults", `{"method":"GET","path_prefix":"`+emulator.BasePath+`","times":1,"kind":"status","status":503,"retry_after":1}`, http.StatusCreated, &fault)
		if fault.ID == "" {
			t.Error("no fault id")
		}
		r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "1" {
			t.Errorf("fault not applied: %d %v", r.status, r.header)
		}
		control(t, inst, http.MethodPost, "/faults", `{"kind":"status"}`, http.StatusCreated, nil)
		control(t, inst, http.MethodDelete, "/faults", "", http.StatusNoContent, nil)
		expectStatus(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""), http.StatusOK)
		control(t, inst, http.MethodPost, "/faults", `{"kind":"nonsense"}`, http.StatusBadRequest, nil)
		control(t, inst, http.MethodPost, "/faults", `{"kind":"status","status":1000}`, http.StatusBadRequest, nil)
		control(t, inst, http.MethodPost, "/faults", `{"kind":"status","extra":1}`, http.StatusBadRequest, nil)
	})

	t.Run("reset", func(t *testing.T) {
		inst := startTwoPartners(t)
		revoked := create(t, inst, tokenA, "confidential").Client.ClientID
		expectStatus(t, call(t, inst, tokenA, http.MethodDelete, clientPath(revoked), ""), http.StatusNoContent)
		create(t, inst, tokenA, "confidential")
		create(t, inst, tokenB, "public")
		inst.Server.AddFault(emulator.Fault{Kind: emulator.FaultLatency, LatencyMS: 1})
		control(t, inst, http.MethodPost, "/reset", "", http.StatusNoContent, nil)
		if len(inst.Server.Clients(tokenA))+len(inst.Server.Clients(tokenB)) != 0 || len(inst.Server.Requests()) != 0 {
			t.Error("reset left state behind")
		}
		if _, ok := inst.Server.Client(revoked); ok {
			t.Error("reset kept a revoked client")
		}
	})

	t.Run("unknown routes", func(t *testing.T) {
		inst := startTwoPartners(t)
		control(t, inst, http.MethodGet, "/nothing", "", http.StatusNotFound, nil)
		control(t, inst, http.MethodGet, "/reset", "", http.StatusNotFound, nil)
	})
}

func TestRequestLogRecordsIdempotencyKeys(t *testing.T) {
	inst := startTwoPartners(t)
	call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "public"), "Idempotency-Key", "abc")
	call(t, inst, "", http.MethodGet, emulator.BasePath, "")
	resp, err := http.Get(inst.URL + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	// The record as the control API spells it.
	type record struct {
		Method         string     `json:"method"`
		Path           string     `json:"path"`
		Operation      string     `json:"operation"`
		Status         int        `json:"status"`
		IdempotencyKey string     `json:"idempotency_key"`
		At             *time.Time `json:"at"`
	}
	var log struct {
		Requests []record `json:"requests"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	// Every record spells idempotency_key out, empty when there was none.
	if n := strings.Count(string(data), `"idempotency_key":`); n != 2 {
		t.Errorf("%d records with an idempotency_key field, want 2: %s", n, data)
	}
	for i, r := range log.Requests {
		if r.At == nil || r.At.IsZero() {
			t.Errorf("record %d has no time: %s", i, data)
		}
	}
	want := []record{
		{Method: "POST", Path: emulator.BasePath, Operation: "create", Status: 201, IdempotencyKey: "abc"},
		{Method: "GET", Path: emulator.BasePath, Operation: "list", Status: 401},
	}
	if diff := cmp.Diff(want, log.Requests, cmpopts.IgnoreFields(record{}, "At")); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}
}

func TestRequestLogNamesOperations(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential").Client.ClientID
	inst.Server.AddFault(emulator.Fault{Method: "GET", Times: 1, Kind: emulator.FaultStatus, Status: 503})
	call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
	call(t, inst, tokenA, http.MethodGet, clientPath(created), "")
	call(t, inst, tokenA, http.MethodPatch, clientPath(created), `{"application_name":"x"}`)
	call(t, inst, tokenA, http.MethodPost, clientPath(created)+"/rotate-secret", "")
	call(t, inst, tokenA, http.MethodDelete, clientPath(created), "")
	call(t, inst, tokenA, http.MethodPut, emulator.BasePath, "")
	call(t, inst, tokenA, http.MethodGet, emulator.BasePath+"/a/b", "")
	var got []string
	for _, rec := range inst.Server.Requests() {
		got = append(got, fmt.Sprintf("%s %d %s", rec.Operation, rec.Status, rec.Fault))
	}
	want := []string{
		emulator.OperationCreate + " 201 ", emulator.OperationList + " 503 status", emulator.OperationGet + " 200 ",
		emulator.OperationUpdate + " 200 ", emulator.OperationRotate + " 200 ", emulator.OperationRevoke + " 204 ",
		emulator.OperationUnknown + " 405 ", emulator.OperationUnknown + " 404 ",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("operations\n%q\nwant\n%q", got, want)
	}
}

func TestControlBackdate(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential")
	id := created.Client.ClientID

	var envelope struct {
		Client emulator.Client `json:"client"`
	}
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	control(t, inst, http.MethodPost, "/clients/"+id+"/backdate", `{"secret_rotated_at":"2020-01-02T03:04:05Z"}`, http.StatusOK, &envelope)
	if envelope.Client.SecretRotatedAt == nil || !envelope.Client.SecretRotatedAt.Equal(at) {
		t.Errorf("answer after backdate: %+v", envelope.Client)
	}
	r := call(t, inst, tokenA, http.MethodGet, clientPath(id), "")
	if !strings.Contains(string(r.body), `"secret_rotated_at":"2020-01-02T03:04:05Z"`) {
		t.Errorf("API does not show the backdated secret: %s", r.body)
	}
	if !inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
		t.Error("backdating invalidated the secret")
	}

	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	control(t, inst, http.MethodPost, "/clients/"+id+"/backdate", `{"secret_rotated_at":"`+future+`"}`, http.StatusBadRequest, nil)
	control(t, inst, http.MethodPost, "/clients/"+id+"/backdate", `{"secret_rotated_at":"yesterday"}`, http.StatusBadRequest, nil)
	control(t, inst, http.MethodPost, "/clients/"+id+"/backdate", `{}`, http.StatusBadRequest, nil)
	control(t, inst, http.MethodPost, "/clients/"+id+"/backdate", `{"secret_rotated_at":"2020-01-02T03:04:05Z","x":1}`, http.StatusBadRequest, nil)
	control(t, inst, http.MethodPost, "/clients/cli_unknown/backdate", `{"secret_rotated_at":"2020-01-02T03:04:05Z"}`, http.StatusNotFound, nil)
	public := create(t, inst, tokenA, "public")
	control(t, inst, http.MethodPost, "/clients/"+public.Client.ClientID+"/backdate", `{"secret_rotated_at":"2020-01-02T03:04:05Z"}`, http.StatusConflict, nil)
}

func TestControlRevoke(t *testing.T) {
	for _, withoutDelete := range []bool{false, true} {
		t.Run(fmt.Sprintf("without delete %t", withoutDelete), func(t *testing.T) {
			inst := startWith(t, emulator.Options{Tokens: []string{tokenA, tokenB}, WithoutDelete: withoutDelete})
			created := create(t, inst, tokenA, "confidential")
			id := created.Client.ClientID
			kept := create(t, inst, tokenA, "confidential").Client.ClientID
			var granted struct {
				AccessToken string `json:"access_token"`
			}
			control(t, inst, http.MethodPost, "/clients/"+id+"/grants", "", http.StatusCreated, &granted)

			var envelope struct {
				Client emulator.Client `json:"client"`
			}
			control(t, inst, http.MethodPost, "/clients/"+id+"/revoke", "", http.StatusOK, &envelope)
			if envelope.Client.ClientID != id || envelope.Client.Status != emulator.StatusRevoked {
				t.Errorf("revoke answered %+v", envelope.Client)
			}
			// The cascade: the secret, the user's token and the listing are gone; the other client is untouched.
			if inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
				t.Error("the revoked client's secret still verifies")
			}
			if inst.Server.TokenActive(granted.AccessToken) {
				t.Error("an access token of the revoked client still works")
			}
			if got := list(t, inst, tokenA); len(got) != 1 || got[0].ClientID != kept {
				t.Errorf("list after the revoke: %+v", got)
			}
			expectError(t, call(t, inst, tokenA, http.MethodPost, clientPath(id)+"/rotate-secret", ""), http.StatusNotFound, emulator.CodeNotFound, "")
			// Twice, or an unknown client: 404.
			control(t, inst, http.MethodPost, "/clients/"+id+"/revoke", "", http.StatusNotFound, nil)
			control(t, inst, http.MethodPost, "/clients/cli_unknown/revoke", "", http.StatusNotFound, nil)
			control(t, inst, http.MethodGet, "/clients/"+kept+"/revoke", "", http.StatusNotFound, nil)
		})
	}
}
