package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// driftOutcome is what a CI pipeline sees of one kind of drift.
type driftOutcome struct {
	planExit, refreshOnlyExit int
	// drift and planned are the actions plan -json reports for the client in
	// resource_drift and planned_change lines ("" for none).
	drift, planned string
}

// resourceDrift returns the action of the resource_drift line for addr, if any.
func resourceDrift(r *acctest.Result, addr string) string {
	for _, line := range strings.Split(r.Stdout, "\n") {
		var m struct {
			Type   string `json:"type"`
			Change struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.Type == "resource_drift" && m.Change.Resource.Addr == addr {
			return m.Change.Action
		}
	}
	return ""
}

// TestAccOAuth2Client_driftDetection measures, for each kind of drift, what
// plan -detailed-exitcode, plan -refresh-only -detailed-exitcode and plan -json
// report. docs/guides/drift-detection.md publishes this table; both CLIs
// must agree with it.
func TestAccOAuth2Client_driftDetection(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		drift func(t *testing.T, e *testEmulator, w *acctest.Workspace, clientID string)
		want  driftOutcome
	}{
		// The time_rotating schedule the docs recommend, with no drift.
		"none, beside time_rotating": {
			func(*testing.T, *testEmulator, *acctest.Workspace, string) {},
			driftOutcome{0, 0, "", ""},
		},
		"none": {
			func(*testing.T, *testEmulator, *acctest.Workspace, string) {},
			driftOutcome{0, 0, "", ""},
		},
		"outside edit": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				name := "Edited in the dashboard"
				if err := e.Server.UpdateAsDashboard(testTokenA, id, &name, nil, nil); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{2, 2, "update", "update"},
		},
		"revoke": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if err := e.Server.RevokeAsDashboard(testTokenA, id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{2, 2, "delete", "create"},
		},
		"suspension": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if err := e.Server.Suspend(id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{0, 2, "update", ""},
		},
		"dashboard rotation": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if _, err := e.Server.RotateAsDashboard(testTokenA, id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{0, 2, "update", ""},
		},
		"bad token": {
			func(_ *testing.T, _ *testEmulator, w *acctest.Workspace, _ string) {
				w.SetEnv("FLEXSLOT_PAT", "flx_pat_revoked")
			},
			driftOutcome{1, 1, "", ""},
		},
		"API down": {
			func(_ *testing.T, e *testEmulator, _ *acctest.Workspace, _ string) {
				e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Kind: emulator.FaultStatus, Status: 503, RetryAfter: 3600})
			},
			driftOutcome{1, 1, "", ""},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTestEmulator(t)
			w := newWarningWorkspace(t, e)
			if strings.Contains(name, "time_rotating") {
				w.WriteConfig(requiredFlexslot + "resource \"time_rotating\" \"secret\" {\n  rotation_days = 90\n}\n" +
					webClientConfig("Drift", `["https://app.example.com/cb"]`, `["cards:read"]`,
						"  rotation_triggers = { rotated = time_rotating.secret.id }"))
				w.Init().RequireSuccess(t)
			} else {
				w.WriteConfig(requiredFlexslot + webClientConfig("Drift", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
			}
			w.Apply().RequireSuccess(t)
			tc.drift(t, e, w, stateClientID(t, w))

			plan := w.Plan("-detailed-exitcode")
			refresh := w.Plan("-refresh-only", "-detailed-exitcode")
			got := driftOutcome{plan.ExitCode, refresh.ExitCode, resourceDrift(plan, webAddr), plan.Changes()[webAddr]}
			if got != tc.want {
				t.Errorf("%s: got %+v, want %+v\nplan:\n%s\nrefresh-only:\n%s", name, got, tc.want, plan.Stdout, refresh.Stdout)
			}
		})
	}
}
