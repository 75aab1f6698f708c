package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// TestMain gives every test run a CLI config file of its own: the caller's
// TF_CLI_CONFIG_FILE may name a file that does not exist, which breaks the
// CLI's version output.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flexslot-cli-config")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	config := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(config, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", config)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestAccProvider_configuresAgainstLocalServer(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories(map[string]string{"FLEXSLOT_PAT": "flx_pat_from_env"}),
		Steps: []resource.TestStep{{
			Config:             providerTestConfig(tfconfig.Provider{BaseURL: srv.URL}),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.headers) == 0 {
		t.Fatal("the provider made no request to the configured base_url")
	}
	for _, h := range srv.headers {
		if got := h.Get("Authorization"); got != "Bearer flx_pat_from_env" {
			t.Errorf("Authorization = %q, want the token from FLEXSLOT_PAT", got)
		}
		if ua := h.Get("User-Agent"); !strings.HasPrefix(ua, "terraform-provider-flexslot/test (+https://registry.terraform.io/providers/flexslot/flexslot; cli ") ||
			strings.Contains(ua, "Terraform/") {
			t.Errorf("User-Agent = %q", ua)
		}
	}
}

func TestAccProvider_configurationErrors(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t)
	cases := map[string]struct {
		env    map[string]string
		config string
		want   []string
	}{
		"missing token": {
			env:    map[string]string{"FLEXSLOT_BASE_URL": srv.URL},
			config: providerTestConfig(tfconfig.Provider{}),
			want:   []string{"Missing Flexslot API token", "api_token", "FLEXSLOT_PAT"},
		},
		"base_url not absolute": {
			env:    map[string]string{"FLEXSLOT_PAT": "flx_pat_a"},
			config: providerTestConfig(tfconfig.Provider{BaseURL: "api.flexslot.gg"}),
			want:   []string{"Invalid Flexslot base URL", `The base URL "api.flexslot.gg" is not an absolute https URL`},
		},
		"base_url plaintext to a remote host": {
			env:    map[string]string{"FLEXSLOT_PAT": "flx_pat_a"},
			config: providerTestConfig(tfconfig.Provider{BaseURL: "http://api.flexslot.gg"}),
			want:   []string{"Invalid Flexslot base URL", `"http://api.flexslot.gg" uses plain http to api.flexslot.gg: a personal access token must never travel in plaintext`},
		},
		"FLEXSLOT_BASE_URL plaintext to a remote host": {
			env:    map[string]string{"FLEXSLOT_PAT": "flx_pat_a", "FLEXSLOT_BASE_URL": "http://10.0.0.1:8080"},
			config: providerTestConfig(tfconfig.Provider{}),
			want:   []string{"Invalid Flexslot base URL", `"http://10.0.0.1:8080" (from the FLEXSLOT_BASE_URL environment variable) uses plain http`},
		},
		"FLEXSLOT_PAT with a trailing newline": {
			env:    map[string]string{"FLEXSLOT_PAT": "flx_pat_a\n", "FLEXSLOT_BASE_URL": srv.URL},
			config: providerTestConfig(tfconfig.Provider{}),
			want: []string{"Malformed Flexslot API token", "(from the FLEXSLOT_PAT environment variable, not shown here) starts " +
				"or ends with white space or a line break", "trimspace()"},
		},
		"api_token with the Bearer scheme": {
			env:    map[string]string{"FLEXSLOT_BASE_URL": srv.URL},
			config: providerTestConfig(tfconfig.Provider{APIToken: "Bearer flx_pat_a"}),
			want:   []string{"Malformed Flexslot API token", `(from api_token, not shown here) starts with "Bearer "`, "Give the token alone"},
		},
		"base_url with credentials": {
			env:    map[string]string{"FLEXSLOT_PAT": "flx_pat_a"},
			config: providerTestConfig(tfconfig.Provider{BaseURL: "https://user:pw@api.flexslot.gg"}),
			want:   []string{"Invalid Flexslot base URL", `"https://user:xxxxx@api.flexslot.gg" holds credentials`, "remove the user name and password"},
		},
		"base_url with another scheme": {
			env:    map[string]string{"FLEXSLOT_PAT": "flx_pat_a"},
			config: providerTestConfig(tfconfig.Provider{BaseURL: "ftp://127.0.0.1/"}),
			want:   []string{"Invalid Flexslot base URL", `uses the scheme "ftp"`},
		},
	}
	// Runs after the parallel subtests have finished.
	t.Cleanup(func() {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		if len(srv.headers) != 0 {
			t.Errorf("a misconfigured provider sent %d requests", len(srv.headers))
		}
	})
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories(tc.env),
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: expectError(tc.want...),
				}},
			})
		})
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	const base = "terraform-provider-flexslot/1.2.3 (+https://registry.terraform.io/providers/flexslot/flexslot"
	if got := userAgent("1.2.3", ""); got != base+")" {
		t.Errorf("userAgent without CLI = %q", got)
	}
	got := userAgent("1.2.3", "1.5.7")
	if got != base+"; cli 1.5.7)" || strings.Contains(got, "Terraform/") {
		t.Errorf("userAgent with CLI = %q", got)
	}
}

// TestProvider_configureStartsTheList checks over the plugin protocol that
// Configure starts the list the reads share and returns without waiting for
// it, and that a read coming while it is in flight joins it: configuring and
// reading cost one list.
func TestProvider_configureStartsTheList(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "App", "public", []string{"http://localhost/cb"}, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	// The gate holds every request until released, telling when one arrives.
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	target, err := url.Parse(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})

	e.Server.ClearRequests()
	p := newProtoProviderWithEnv(t, map[string]string{"FLEXSLOT_BASE_URL": gate.URL, "FLEXSLOT_PAT": testTokenA})
	<-arrived // configured, and its list is in flight before any read

	typ := p.schema.DataSourceSchemas["flexslot_oauth2_client"].ValueType()
	config := p.dynamicValue(t, typ, map[string]tftypes.Value{"client_id": tftypes.NewValue(tftypes.String, c.ClientID)})
	read := make(chan *tfprotov6.ReadDataSourceResponse)
	go func() {
		resp, err := p.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "flexslot_oauth2_client", Config: &config})
		if err != nil {
			t.Error(err)
		}
		read <- resp
	}()
	close(release)
	if resp := <-read; resp != nil {
		checkNoDiagnostics(t, "ReadDataSource", resp.Diagnostics)
	}
	if got := e.Server.Requests(); len(got) != 1 || got[0].Operation != emulator.OperationList {
		t.Errorf("configuring and one read sent %+v, want the one list Configure started", got)
	}
}

// TestProvider_failedListReportedByTheRead checks that the list Configure
// starts, refused here for a token Flexslot does not know, is no configure
// error: the read that needed it fails with the read's own diagnostic, and
// no second list is sent (only the token's metadata is read, to name it).
func TestProvider_failedListReportedByTheRead(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	e.Server.ClearRequests()
	p := newProtoProviderWithEnv(t, map[string]string{"FLEXSLOT_BASE_URL": e.URL, "FLEXSLOT_PAT": "flx_pat_unknown_to_flexslot"})
	config := p.dynamicValue(t, p.schema.DataSourceSchemas["flexslot_oauth2_clients"].ValueType(), nil)
	resp, err := p.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "flexslot_oauth2_clients", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
		resp.Diagnostics[0].Summary != "Failed to "+opList.action || !strings.Contains(resp.Diagnostics[0].Detail, "401") {
		for _, d := range resp.Diagnostics {
			t.Logf("%s: %s", d.Summary, d.Detail)
		}
		t.Errorf("the read did not fail with its own 401 diagnostic")
	}
	// The refusal names the token: the first 401 reads its metadata once,
	// which Flexslot refuses too for an unknown token, so its prefix names it.
	if len(resp.Diagnostics) > 0 && !strings.Contains(resp.Diagnostics[0].Detail, "the token starting flx_pat_unkn…") {
		t.Errorf("the 401 does not name the token by its prefix: %s", resp.Diagnostics[0].Detail)
	}
	var got []string
	for _, r := range e.Server.Requests() {
		got = append(got, r.Operation)
	}
	// The one list Configure started, and one read of the token's metadata.
	if diff := cmp.Diff([]string{emulator.OperationList, emulator.OperationAccessToken}, got); diff != "" {
		t.Errorf("operations after configuring and one read (-want +got):\n%s", diff)
	}
}
