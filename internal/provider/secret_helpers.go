package provider

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
)

// The pieces below are shared by every resource that holds a one-time secret
// Flexslot issues, shows once and stops when it issues the next: the client
// secret of flexslot_oauth2_client and the key of flexslot_partner_api_key.
// Each such resource has rotation_triggers, secret_recipients,
// rotate_when_stale and rotation_period arguments, and keeps the secret either
// in plaintext or, with secret_recipients, only encrypted.

// sealsTo reports whether secret_recipients asks to keep the secret only
// encrypted: set and not empty, or unknown.
func sealsTo(recipients types.Set) bool {
	return !recipients.IsNull() && (recipients.IsUnknown() || len(recipients.Elements()) > 0)
}

// secretForms returns the plaintext and the encrypted attribute values for a
// secret just issued: one of them holds it and the other is null. When
// sealing fails both are null, and the error says why; the plaintext is then
// stored nowhere.
func secretForms(ctx context.Context, secret string, recipients types.Set) (plain, sealed types.String, diags diag.Diagnostics, err error) {
	plain, sealed = types.StringNull(), types.StringNull()
	if !sealsTo(recipients) {
		return types.StringValue(secret), sealed, nil, nil
	}
	var to []string
	if diags = recipients.ElementsAs(ctx, &to, false); diags.HasError() {
		return plain, sealed, diags, nil
	}
	armored, err := sealedsecret.Seal(secret, to)
	if err != nil {
		return plain, sealed, nil, err
	}
	return plain, types.StringValue(armored), nil, nil
}

// plannedSecretForms returns the planned plaintext and encrypted values, and
// the planned "current" flag, for a secret that a create or rotation issues:
// the form secret_recipients asks for is unknown and the other null; while the
// recipients are unknown, both forms are.
func plannedSecretForms(recipients types.Set) (plain, sealed types.String, current types.Bool) {
	switch {
	case recipients.IsUnknown():
		return types.StringUnknown(), types.StringUnknown(), types.BoolUnknown()
	case sealsTo(recipients):
		return types.StringNull(), types.StringUnknown(), types.BoolValue(true)
	}
	return types.StringUnknown(), types.StringNull(), types.BoolValue(true)
}

// secretRotationReason reports whether applying a plan over state rotates the
// secret, and why, for the settings every such resource shares: rotation
// triggers that are set, not empty, and differ from state (removing them, or
// setting {}, stops scheduled rotation without rotating); a change of
// secret_recipients, since a secret once held in one form must not stay valid
// in another; and, with rotate_when_stale, state not holding the current
// secret (current is false).
func secretRotationReason(stateTriggers, planTriggers types.Map, stateRecipients, planRecipients types.Set,
	rotateWhenStale, current types.Bool, what string) (bool, string) {
	switch {
	case !planTriggers.IsNull() && (planTriggers.IsUnknown() || len(planTriggers.Elements()) > 0) &&
		!planTriggers.Equal(stateTriggers):
		return true, "rotation_triggers changed"
	case !sameRecipients(stateRecipients, planRecipients):
		return true, "secret_recipients changed"
	case rotateWhenStale.ValueBool() && current.Equal(types.BoolValue(false)):
		return true, "the " + what + " in state is not current and rotate_when_stale is true"
	}
	return false, ""
}

// sameRecipients compares two secret_recipients values, null and empty alike,
// and each recipient in its canonical form: white space around it or an SSH
// key's comment is no other key.
func sameRecipients(a, b types.Set) bool {
	empty := func(s types.Set) bool { return s.IsNull() || (!s.IsUnknown() && len(s.Elements()) == 0) }
	if empty(a) || empty(b) {
		return empty(a) == empty(b)
	}
	ca, knownA := canonicalRecipients(a)
	cb, knownB := canonicalRecipients(b)
	return knownA && knownB && slices.Equal(ca, cb)
}

// canonicalRecipients returns a set's recipients in canonical form, sorted
// and without duplicates, and whether all of them are known.
func canonicalRecipients(s types.Set) ([]string, bool) {
	if s.IsUnknown() {
		return nil, false
	}
	out := make([]string, 0, len(s.Elements()))
	for _, v := range s.Elements() {
		str, ok := v.(types.String)
		if !ok || str.IsUnknown() {
			return nil, false
		}
		out = append(out, sealedsecret.CanonicalRecipient(str.ValueString()))
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// periodElapsed reports whether a rotation_period asks to rotate a secret
// issued at issuedAt, and why. Nothing rotates while the period or the issue
// time is unknown.
func periodElapsed(period types.String, issuedAt *time.Time, now time.Time, what string) (bool, string) {
	if period.IsNull() || period.IsUnknown() || issuedAt == nil {
		return false, ""
	}
	d, err := parseRotationPeriod(period.ValueString())
	if err != nil {
		return false, ""
	}
	age := now.Sub(*issuedAt)
	if age < d {
		return false, ""
	}
	return true, fmt.Sprintf("%s %s ago (at %s), and rotation_period is %q", what, roughAge(age),
		issuedAt.UTC().Format(time.RFC3339), period.ValueString())
}
