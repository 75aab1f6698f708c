package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	// privateSecretIssuedAt holds, in private state, when Flexslot last issued
	// the client's secret, as the last refresh or apply saw it. It can be newer
	// than secret_rotated_at, which tells when the secret held in state was issued.
	privateSecretIssuedAt = "secret_issued_at"
	// privateSecretCheckedAt holds when that was seen. rotation_period is
	// measured at that instant, not when the plan runs, so that the plan an
	// apply makes again from the same prior state decides the same way, even
	// when a saved plan is applied after the period has run out.
	privateSecretCheckedAt = "secret_checked_at"
)

// privateState is what the framework's private state offers to read and write.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// parseRotationPeriod parses a rotation_period: a Go duration such as "2160h"
// or "36h30m", or whole days such as "90d", optionally followed by a Go
// duration ("1d12h"). It must be positive.
func parseRotationPeriod(s string) (time.Duration, error) {
	var days time.Duration
	rest := s
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseUint(s[:i], 10, 16)
		if err != nil {
			return 0, errors.New(`is not a duration: use whole days such as "90d", or hours such as "2160h"`)
		}
		days, rest = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil || d < 0 {
			return 0, errors.New(`is not a duration: use whole days such as "90d", or hours such as "2160h"`)
		}
	}
	if days+d <= 0 {
		return 0, errors.New("must be longer than zero")
	}
	return days + d, nil
}

// rotationPeriodElapsed reports whether plan's rotation_period asks to rotate a
// secret Flexslot issued at issuedAt, and why. Nothing rotates while the period,
// the client type or the issue time is unknown.
func rotationPeriodElapsed(plan oauth2ClientModel, issuedAt *time.Time, now time.Time) (bool, string) {
	if plan.isPublic() || plan.ClientType.IsUnknown() {
		return false, ""
	}
	return periodElapsed(plan.RotationPeriod, issuedAt, now, "Flexslot issued it")
}

// roughAge says how long ago something happened, to the day or, below two
// days, to the minute.
func roughAge(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return d.Truncate(time.Minute).String()
}

// secretIssuedAt is when Flexslot last issued the client's secret, and when
// that was seen: from private state, or, for a state the last refresh did not
// annotate, the issue time of the secret state holds, seen now.
func secretIssuedAt(ctx context.Context, private privateState, state oauth2ClientModel) (issuedAt *time.Time, checkedAt time.Time, diags diag.Diagnostics) {
	issued, d := privateTime(ctx, private, privateSecretIssuedAt)
	diags.Append(d...)
	checked, d := privateTime(ctx, private, privateSecretCheckedAt)
	diags.Append(d...)
	if issued == nil {
		if t, err := time.Parse(time.RFC3339Nano, state.SecretRotatedAt.ValueString()); err == nil {
			issued = &t
		}
	}
	if issued == nil || checked == nil {
		return issued, time.Now(), diags
	}
	return issued, *checked, diags
}

func privateTime(ctx context.Context, private privateState, key string) (*time.Time, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, key)
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return nil, diags
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, diags
	}
	return &t, diags
}

// refreshSecretIssuedAt is setSecretIssuedAt for a refresh, which writes
// private state only when what it records changes: the secret Flexslot last
// issued, or, under rotation_period, whether the period has run out by now.
// A refresh that finds nothing new leaves private state as it was, so a
// refresh-only plan of an unchanged client shows no change.
func refreshSecretIssuedAt(ctx context.Context, private privateState, at *time.Time, now time.Time, period types.String) diag.Diagnostics {
	issued, diags := privateTime(ctx, private, privateSecretIssuedAt)
	checked, d := privateTime(ctx, private, privateSecretCheckedAt)
	diags.Append(d...)
	if at == nil || issued == nil || checked == nil || !issued.Equal(*at) {
		return append(diags, setSecretIssuedAt(ctx, private, at, now)...)
	}
	dueNow, _ := periodElapsed(period, at, now, "secret")
	dueBefore, _ := periodElapsed(period, at, *checked, "secret")
	if dueNow != dueBefore {
		diags.Append(setSecretIssuedAt(ctx, private, at, now)...)
	}
	return diags
}

// setSecretIssuedAt records when Flexslot last issued the client's secret, as
// seen at checkedAt.
func setSecretIssuedAt(ctx context.Context, private privateState, at *time.Time, checkedAt time.Time) diag.Diagnostics {
	if at == nil {
		diags := private.SetKey(ctx, privateSecretIssuedAt, nil)
		return append(diags, private.SetKey(ctx, privateSecretCheckedAt, nil)...)
	}
	issued, _ := json.Marshal(at.UTC().Format(time.RFC3339Nano))
	checked, _ := json.Marshal(checkedAt.UTC().Format(time.RFC3339Nano))
	diags := private.SetKey(ctx, privateSecretIssuedAt, issued)
	return append(diags, private.SetKey(ctx, privateSecretCheckedAt, checked)...)
}

// initialSecretVersion is secret_version for a state that has none yet, after
// import or from an earlier version of the provider: 1 when state holds a
// secret, 0 when it holds none, null for a public client.
func initialSecretVersion(m oauth2ClientModel) types.Int64 {
	switch {
	case m.isPublic():
		return types.Int64Null()
	case m.holdsSecret():
		return types.Int64Value(1)
	}
	return types.Int64Value(0)
}

// nextSecretVersion is secret_version once a rotation replaces the secret state holds.
func nextSecretVersion(state oauth2ClientModel) types.Int64 {
	current := state.SecretVersion
	if current.IsNull() || current.IsUnknown() {
		current = initialSecretVersion(state)
	}
	return types.Int64Value(current.ValueInt64() + 1)
}

// rotationPlanned reports whether applying plan over state rotates the
// secret, and why: secretRotationPlanned; rotation_period, counted from when
// the secret in state was issued; or a client whose create could not obtain
// its secret (privateSecretMissing), which nobody holds.
func rotationPlanned(ctx context.Context, state, plan oauth2ClientModel, private privateState) (bool, string, diag.Diagnostics) {
	if rotate, why := secretRotationPlanned(state, plan); rotate || plan.isPublic() {
		return rotate, why, nil
	}
	issuedAt, checkedAt, diags := secretIssuedAt(ctx, private, state)
	if rotate, why := rotationPeriodElapsed(plan, issuedAt, checkedAt); rotate {
		return rotate, why, diags
	}
	missing, d := private.GetKey(ctx, privateSecretMissing)
	diags.Append(d...)
	if missing != nil {
		return true, "the create that made the client could not obtain its secret, so nobody holds it", diags
	}
	return false, "", diags
}
