package apispec

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

const base = "/api/public/v1/me/partner/oauth2-clients"

func TestLoadIsValidAndCached(t *testing.T) {
	first, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load()
	if err != nil || first != second {
		t.Fatal("Load does not return the cached document")
	}
	if len(Document()) == 0 {
		t.Fatal("empty document")
	}
}

func TestEveryOperationDeclaresTheContractStatuses(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"GET " + base:                                 {200, 401},
		"POST " + base:                                {201, 400, 401, 409, 422},
		"GET " + base + "/{client_id}":                {200, 401, 404},
		"PATCH " + base + "/{client_id}":              {200, 400, 401, 404},
		"DELETE " + base + "/{client_id}":             {204, 401, 404},
		"POST " + base + "/{client_id}/rotate-secret": {200, 401, 404, 409, 422},
	}
	seen := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			statuses, ok := want[key]
			if !ok {
				t.Errorf("unexpected operation %s", key)
				continue
			}
			seen++
			for _, status := range append(statuses, 429, 502, 503, 504) {
				resp := op.Responses.Status(status)
				if resp == nil {
					t.Errorf("%s does not declare %d", key, status)
					continue
				}
				if resp.Value.Headers["X-Request-Id"] == nil {
					t.Errorf("%s %d does not declare X-Request-Id", key, status)
				}
			}
			for _, status := range []int{429, 502, 503, 504} {
				if op.Responses.Status(status).Value.Headers["Retry-After"] == nil {
					t.Errorf("%s %d does not declare Retry-After", key, status)
				}
			}
			if op.RequestBody != nil {
				schema := op.RequestBody.Value.Content.Get("application/json").Schema.Value
				if schema.AdditionalProperties.Has == nil || *schema.AdditionalProperties.Has {
					t.Errorf("%s request body accepts unknown fields", key)
				}
			}
			if method == http.MethodPost && op.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
				t.Errorf("%s does not declare Idempotency-Key", key)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of %d operations", seen, len(want))
	}
	if doc.Components.SecuritySchemes["personalAccessToken"].Value.Scheme != "bearer" {
		t.Error("no bearer security scheme")
	}
}

func validate(t *testing.T, method, path, requestBody string, status int, responseBody string) (requestErr, responseErr error) {
	t.Helper()
	router, err := NewRouter()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:1234"+path, strings.NewReader(requestBody))
	req.Header.Set("Authorization", "Bearer flx_pat_x")
	req.Header.Set("Content-Type", "application/json")
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	input := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	requestErr = openapi3filter.ValidateRequest(t.Context(), input)
	header := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_1"}}
	responseErr = openapi3filter.ValidateResponse(t.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader([]byte(responseBody))),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	return requestErr, responseErr
}

const client = `{"client_id":"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y","client_type":"confidential",
	"application_name":"My Integration","redirect_uris":["https://app.example.com/oauth/callback"],
	"allowed_scopes":["decks:read"],"status":"active","created_at":"2026-06-02T18:00:00Z",
	"updated_at":"2026-06-02T18:00:00Z","secret_rotated_at":"2026-06-02T18:00:00Z"`

func TestDocumentMatchesTheContractExamples(t *testing.T) {
	create := `{"application_name":"My Integration","client_type":"confidential","redirect_uris":["https://app.example.com/oauth/callback"],"allowed_scopes":["decks:read"]}`
	oneTime := `{"client":` + client + `},"plaintext_client_secret":"flx_cs_01HX2K5V7Q9M3N4P6R8S0T2W4Y0123456789abcdef0123456789abcdef","secret_rotated_at":"2026-06-02T18:00:00Z"}`
	tests := []struct {
		name, method, path, request string
		status                      int
		response                    string
		wantRequestErr, wantRespErr bool
	}{
		{"list", "GET", base, "", 200, `{"clients":[` + client + `}]}`, false, false},
		{"unknown response fields are allowed", "GET", base, "", 200, `{"clients":[` + client + `,"new":1}],"next":null}`, false, false},
		{"create", "POST", base, create, 201, oneTime, false, false},
		{"create public", "POST", base, create, 201, `{"client":` + client + `},"plaintext_client_secret":"","secret_rotated_at":null}`, false, false},
		{"unknown request field", "POST", base, strings.Replace(create, "{", `{"extra":1,`, 1), 400, `{"error":{"code":"invalid_request","message":"x","field":"extra"}}`, true, false},
		{"limit", "POST", base, create, 409, `{"error":{"code":"client_limit_reached","message":"revoke one"}}`, false, false},
		{"get", "GET", base + "/flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "", 200, `{"client":` + client + `}}`, false, false},
		{"get without client", "GET", base + "/x", "", 200, `{}`, false, true},
		{"patch", "PATCH", base + "/x", `{"application_name":"New"}`, 200, `{"client":` + client + `}}`, false, false},
		{"patch client_type", "PATCH", base + "/x", `{"client_type":"public"}`, 400, `{"error":{"code":"immutable_field","message":"x","field":"client_type"}}`, true, false},
		{"rotate", "POST", base + "/x/rotate-secret", "", 200, oneTime, false, false},
		{"bad secret", "POST", base + "/x/rotate-secret", "", 200, strings.Replace(oneTime, "flx_cs_", "cs_", 1), false, true},
		{"bad client id", "GET", base + "/x", "", 200, `{"client":` + strings.Replace(client, "flx_client_", "client_", 1) + `}}`, false, true},
		{"undeclared status", "GET", base + "/x", "", 418, `{"error":{"code":"x","message":"y"}}`, false, false},
		{"error without code", "GET", base + "/x", "", 404, `{"error":{"message":"y"}}`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqErr, respErr := validate(t, tt.method, tt.path, tt.request, tt.status, tt.response)
			if (reqErr != nil) != tt.wantRequestErr {
				t.Errorf("request error: %v", reqErr)
			}
			if (respErr != nil) != tt.wantRespErr {
				t.Errorf("response error: %v", respErr)
			}
		})
	}
}
