package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

func TestParseRotationPeriod(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		"90d":    90 * 24 * time.Hour,
		"1d":     24 * time.Hour,
		"2160h":  2160 * time.Hour,
		"36h30m": 36*time.Hour + 30*time.Minute,
		"1d12h":  36 * time.Hour,
		"90s":    90 * time.Second,
	} {
		if got, err := parseRotationPeriod(in); err != nil || got != want {
			t.Errorf("parseRotationPeriod(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for in, wantErr := range map[string]string{
		"":      "longer than zero",
		"0d":    "longer than zero",
		"0h":    "longer than zero",
		"-5h":   "is not a duration",
		"-5d":   "is not a duration",
		"1.5d":  "is not a duration",
		"d":     "is not a duration",
		"90":    "is not a duration",
		"90 d":  "is not a duration",
		"3mo":   "is not a duration",
		"1d-1h": "is not a duration",
		"1dd":   "is not a duration",
		"1w":    "is not a duration",
	} {
		if _, err := parseRotationPeriod(in); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("parseRotationPeriod(%q) error = %v, want one saying %q", in, err, wantErr)
		}
	}
}

func TestRotationPeriodElapsed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	withPeriod := func(period types.String, clientType string) oauth2ClientModel {
		m := baseModel()
		m.RotationPeriod = period
		m.ClientType = types.StringValue(clientType)
		return m
	}
	days90 := types.StringValue("90d")
	for name, tc := range map[string]struct {
		plan     oauth2ClientModel
		issuedAt *time.Time
		want     bool
	}{
		"older than the period":    {withPeriod(days90, "confidential"), at(120 * 24 * time.Hour), true},
		"exactly the period":       {withPeriod(days90, "confidential"), at(90 * 24 * time.Hour), true},
		"younger than the period":  {withPeriod(days90, "confidential"), at(89 * 24 * time.Hour), false},
		"no period":                {withPeriod(types.StringNull(), "confidential"), at(1000 * 24 * time.Hour), false},
		"period unknown":           {withPeriod(types.StringUnknown(), "confidential"), at(1000 * 24 * time.Hour), false},
		"issue time unknown":       {withPeriod(days90, "confidential"), nil, false},
		"public client":            {withPeriod(days90, "public"), at(1000 * 24 * time.Hour), false},
		"hours":                    {withPeriod(types.StringValue("2h"), "confidential"), at(3 * time.Hour), true},
		"invalid period, no panic": {withPeriod(types.StringValue("soon"), "confidential"), at(1000 * 24 * time.Hour), false},
	} {
		got, why := rotationPeriodElapsed(tc.plan, tc.issuedAt, now)
		if got != tc.want {
			t.Errorf("%s: rotationPeriodElapsed = %t (%s), want %t", name, got, why, tc.want)
		}
	}
	_, why := rotationPeriodElapsed(withPeriod(days90, "confidential"), at(120*24*time.Hour+5*time.Hour), now)
	for _, want := range []string{"120 days ago", "2026-08-05T04:00:00Z", `rotation_period is "90d"`} {
		if !strings.Contains(why, want) {
			t.Errorf("reason %q does not say %q", why, want)
		}
	}
	if _, why := rotationPeriodElapsed(withPeriod(types.StringValue("1h"), "confidential"), at(90*time.Minute+7*time.Second), now); !strings.Contains(why, "1h30m0s ago") {
		t.Errorf("reason %q does not say how old the secret is to the minute", why)
	}
}

func TestSecretIssuedAt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	held := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	flexslot := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	refreshed := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	state := baseModel()
	state.SecretRotatedAt = timeValue(&held)

	private := mapPrivate{}
	before := time.Now()
	if got, checked, _ := secretIssuedAt(ctx, private, state); got == nil || !got.Equal(held) || checked.Before(before) {
		t.Errorf("without private state: %v seen at %s, want the issue time of the secret state holds, %s, seen now", got, checked, held)
	}
	setSecretIssuedAt(ctx, private, &flexslot, refreshed)
	if got, checked, _ := secretIssuedAt(ctx, private, state); got == nil || !got.Equal(flexslot) || !checked.Equal(refreshed) {
		t.Errorf("with private state: %v seen at %s, want Flexslot's %s seen at the refresh, %s", got, checked, flexslot, refreshed)
	}
	imported := baseModel()
	imported.SecretRotatedAt = types.StringNull()
	if got, checked, _ := secretIssuedAt(ctx, private, imported); got == nil || !got.Equal(flexslot) || !checked.Equal(refreshed) {
		t.Errorf("imported, with private state: %v seen at %s, want Flexslot's %s", got, checked, flexslot)
	}
	setSecretIssuedAt(ctx, private, nil, refreshed)
	if got, _, _ := secretIssuedAt(ctx, private, imported); got != nil || len(private) != 0 {
		t.Errorf("imported, public: %v (private %v), want none", got, private)
	}
}

func TestSecretVersion(t *testing.T) {
	t.Parallel()
	holding := baseModel()
	holding.ClientSecret = types.StringValue("flx_cs_x")
	sealed := baseModel()
	sealed.ClientSecretEncrypted = types.StringValue("-----BEGIN AGE ENCRYPTED FILE-----")
	imported := baseModel()
	public := baseModel()
	public.ClientType = types.StringValue("public")

	for name, tc := range map[string]struct {
		m    oauth2ClientModel
		want types.Int64
	}{
		"earlier state holding a secret":        {holding, types.Int64Value(1)},
		"earlier state holding a sealed secret": {sealed, types.Int64Value(1)},
		"imported, no secret held":              {imported, types.Int64Value(0)},
		"public":                                {public, types.Int64Null()},
	} {
		if got := initialSecretVersion(tc.m); !got.Equal(tc.want) {
			t.Errorf("initialSecretVersion, %s = %s, want %s", name, got, tc.want)
		}
	}

	holding.SecretVersion = types.Int64Value(7)
	if got := nextSecretVersion(holding); !got.Equal(types.Int64Value(8)) {
		t.Errorf("nextSecretVersion after 7 = %s, want 8", got)
	}
	holding.SecretVersion = types.Int64Null()
	if got := nextSecretVersion(holding); !got.Equal(types.Int64Value(2)) {
		t.Errorf("nextSecretVersion of an earlier state holding a secret = %s, want 2", got)
	}
	if got := nextSecretVersion(imported); !got.Equal(types.Int64Value(1)) {
		t.Errorf("nextSecretVersion after import = %s, want 1", got)
	}
}

func TestAccOAuth2Client_secretVersion(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	recipient, _ := age.GenerateX25519Identity()
	config := func(trigger string, recipients ...string) string {
		return cliConfig(webClient("Versioned", appCallback, cardsRead).Set("rotate_when_stale", true).
			Set("rotation_triggers", map[string]string{"n": trigger}).Set("secret_recipients", recipients))
	}
	w.WriteConfig(config("1"))
	if got := plannedValue(t, w, "secret_version"); got != 1.0 {
		t.Fatalf("secret_version planned for create = %v, want 1, known at plan", got)
	}
	w.Apply().RequireSuccess(t)
	requireSecretVersion(t, w, 1)
	requireNoChanges(t, w, "after create")
	w.Apply("-refresh-only").RequireSuccess(t)
	requireSecretVersion(t, w, 1)

	// Each kind of rotation counts once, and the plan knows the next value.
	w.WriteConfig(config("2"))
	if got := plannedValue(t, w, "secret_version"); got != 2.0 {
		t.Fatalf("secret_version planned for a trigger rotation = %v, want 2", got)
	}
	w.Apply().RequireSuccess(t)
	requireSecretVersion(t, w, 2)
	requireNoChanges(t, w, "after a trigger rotation")

	if _, err := e.Server.RotateAsDashboard(testTokenA, stateClientID(t, w)); err != nil {
		t.Fatal(err)
	}
	w.Apply().RequireSuccess(t)
	requireSecretVersion(t, w, 3)
	requireNoChanges(t, w, "after rotate_when_stale")

	w.WriteConfig(config("2", recipient.Recipient().String()))
	w.Apply().RequireSuccess(t)
	requireSecretVersion(t, w, 4)
	requireNoChanges(t, w, "after a change of recipients")

	// A state written by the previous provider version has neither
	// secret_version nor rotation_period: it plans no change, and the refresh
	// counts the secret it holds as 1.
	stripNewAttributes(t, w)
	if plan := w.Plan("-detailed-exitcode", "-refresh=false"); plan.ExitCode != 0 {
		t.Fatalf("plan -refresh=false of an earlier state: exit %d, want 0\n%s", plan.ExitCode, plan.Stdout)
	}
	requireNoChanges(t, w, "of an earlier state")
	w.Apply("-refresh-only").RequireSuccess(t)
	requireSecretVersion(t, w, 1)
	w.WriteConfig(config("3", recipient.Recipient().String()))
	w.Apply().RequireSuccess(t)
	requireSecretVersion(t, w, 2)
	requireNoChanges(t, w, "after a rotation of an earlier state")
}

func TestAccOAuth2Client_rotationPeriod(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Periodic", appCallback, cardsRead).Set("rotation_period", "90d")))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	firstSecret := stateAttrs(t, w)["client_secret"].(string)

	// A fresh secret stays.
	requireNoWarnings(t, w.Plan())
	requireNoChanges(t, w, "with a fresh secret")

	// A secret Flexslot issued 100 days ago rotates in place, with a warning saying why.
	if _, err := e.Server.Backdate(clientID, time.Now().Add(-100*24*time.Hour-time.Hour)); err != nil {
		t.Fatal(err)
	}
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 2 || plan.Changes()[webAddr] != "update" {
		t.Fatalf("plan after backdating: exit %d, change %q, want 2 and update\n%s", plan.ExitCode, plan.Changes()[webAddr], plan.Stdout)
	}
	requireWarning(t, plan, "Applying this plan rotates the client secret", clientID, "100 days ago", `rotation_period is "90d"`)
	e.Server.ClearRequests()
	w.Apply().RequireSuccess(t)
	if n := e.requestCounts()[emulator.OperationRotate]; n != 1 {
		t.Fatalf("the apply made %d rotations, want 1", n)
	}
	attrs := stateAttrs(t, w)
	if attrs["client_id"] != clientID || attrs["secret_version"] != 2.0 ||
		!e.Server.VerifySecret(clientID, attrs["client_secret"].(string)) || e.Server.VerifySecret(clientID, firstSecret) {
		t.Fatalf("after the rotation: client %v, secret_version %v", attrs["client_id"], attrs["secret_version"])
	}
	requireNoWarnings(t, w.Plan())
	requireNoChanges(t, w, "after the rotation")

	// The period follows Flexslot's clock: a dashboard rotation restarts it,
	// even though state still holds the older secret.
	if _, err := e.Server.Backdate(clientID, time.Now().Add(-100*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.RotateAsDashboard(testTokenA, clientID); err != nil {
		t.Fatal(err)
	}
	requireNoChanges(t, w, "after a dashboard rotation")
}

func TestAccOAuth2Client_rotationPeriodInvalid(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Periodic", appCallback, cardsRead).Set("rotation_period", "3 months")))
	requireFailure(t, w.Plan(), "Invalid rotation period", `"3 months"`, `"90d"`)
	w.WriteConfig(cliConfig(oauth2Client("web", "public", "CLI", []string{"http://127.0.0.1/cb"}, cardsRead).Set("rotation_period", "90d")))
	requireFailure(t, w.Plan(), "rotation_period set on a public client", "nothing to rotate")
	if n := len(e.Server.Requests()); n != 0 {
		t.Fatalf("invalid configurations reached the API %d times", n)
	}
}

func TestAccOAuth2Client_rotationPeriodAfterImport(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Imported", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.Backdate(c.ClientID, time.Now().Add(-200*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(cliConfig(tfconfig.Import(webAddr, c.ClientID), webClient("Imported", appCallback, cardsRead).Set("rotation_period", "90d")))

	// The plan that imports already knows Flexslot's secret is 200 days old.
	plan := w.Plan()
	requireWarning(t, plan, "Applying this plan rotates the client secret", c.ClientID, "200 days ago", `rotation_period is "90d"`)
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	if attrs["secret_version"] != 1.0 || !e.Server.VerifySecret(c.ClientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("after import and rotation: secret_version %v, secret verifies %t", attrs["secret_version"],
			e.Server.VerifySecret(c.ClientID, fmt.Sprint(attrs["client_secret"])))
	}
	requireNoChanges(t, w, "after the rotation")
}

// TestRefreshSecretIssuedAt: a refresh that finds the same secret, with the
// period's verdict unchanged, writes nothing, so a refresh-only plan of an
// unchanged client shows no change; a new secret or a period that has just
// run out is recorded.
func TestRefreshSecretIssuedAt(t *testing.T) {
	ctx := t.Context()
	issued := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	period := types.StringValue("90d")
	p := &memoryPrivate{}
	refresh := func(at time.Time, now time.Time, period types.String) int {
		before := p.writes
		if diags := refreshSecretIssuedAt(ctx, p, &at, now, period); diags.HasError() {
			t.Fatal(diags)
		}
		return p.writes - before
	}
	if refresh(issued, issued.Add(24*time.Hour), period) == 0 {
		t.Fatal("the first refresh recorded nothing")
	}
	for _, now := range []time.Time{issued.Add(48 * time.Hour), issued.Add(89 * 24 * time.Hour)} {
		if n := refresh(issued, now, period); n != 0 {
			t.Errorf("a refresh at %v that found nothing new wrote %d keys", now, n)
		}
	}
	if n := refresh(issued, issued.Add(89*24*time.Hour), types.StringNull()); n != 0 {
		t.Errorf("a refresh without rotation_period wrote %d keys", n)
	}
	if refresh(issued, issued.Add(91*24*time.Hour), period) == 0 {
		t.Error("the refresh after the period ran out recorded nothing")
	}
	_, checked, _ := secretIssuedAt(ctx, p, oauth2ClientModel{})
	if rotate, _ := periodElapsed(period, &issued, checked, "secret"); !rotate {
		t.Error("after the period ran out, the recorded check time does not call for a rotation")
	}
	if n := refresh(issued, issued.Add(95*24*time.Hour), period); n != 0 {
		t.Errorf("a later refresh with the period still run out wrote %d keys", n)
	}
	if refresh(issued.Add(96*24*time.Hour), issued.Add(96*24*time.Hour), period) == 0 {
		t.Error("a new secret was not recorded")
	}
}

// TestAccOAuth2Client_rotationPeriodSavedPlan: a plan saved while the secret
// was fresh, applied after rotation_period ran out at Flexslot, applies as it
// was saved: its rename, no rotation, and no inconsistent final plan, since
// the apply decides from what the plan's refresh saw. The next plan rotates.
func TestAccOAuth2Client_rotationPeriodSavedPlan(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := func(name string) string {
		return cliConfig(webClient(name, appCallback, cardsRead).Set("rotation_period", "90d"))
	}
	w.WriteConfig(config("Periodic"))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	secret := stateAttrs(t, w)["client_secret"].(string)

	w.WriteConfig(config("Periodic renamed"))
	w.Plan("-out=rename.tfplan").RequireSuccess(t)
	if _, err := e.Server.Backdate(clientID, time.Now().Add(-100*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	e.Server.ClearRequests()
	w.Run("apply", "-input=false", "-json", "rename.tfplan").RequireSuccess(t)
	if n := e.requestCounts()[emulator.OperationRotate]; n != 0 {
		t.Fatalf("the saved plan's apply made %d rotations, want none", n)
	}
	attrs := stateAttrs(t, w)
	if attrs["application_name"] != "Periodic renamed" || attrs["client_secret"] != secret || !e.Server.VerifySecret(clientID, secret) {
		t.Fatalf("after the saved plan: name %v, and the secret in state is not the working one it held", attrs["application_name"])
	}

	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 2 || plan.Changes()[webAddr] != "update" {
		t.Fatalf("the next plan: exit %d, change %q, want 2 and update\n%s", plan.ExitCode, plan.Changes()[webAddr], plan.Stdout)
	}
	requireWarning(t, plan, "Applying this plan rotates the client secret", clientID, "100 days ago", `rotation_period is "90d"`)
}
