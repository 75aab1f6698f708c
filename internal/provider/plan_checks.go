package provider

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// tokenExpiryWarningWindow is how long before its expiry a plan that changes
// something warns about the Personal Access Token.
const tokenExpiryWarningWindow = 14 * 24 * time.Hour

// The plan-time checks below read the partner row and the token's metadata,
// each at most once per provider process (the client keeps what it read), and
// only for a plan that creates or changes something: a no-change plan sends no
// request beyond the one list of the partner's clients.

// startCreateChecks starts the two reads a create's plan-time checks need, the
// token's metadata and the partner row, beside each other and beside the list
// the provider started when configured, so that the plan waits one round trip
// for all three rather than one after another. The checks join these reads
// (each is made at most once per process) and report on them in their usual
// order, so the diagnostics do not depend on which answer comes first.
func (d *providerData) startCreateChecks(ctx context.Context) {
	for _, read := range []func(context.Context) error{
		func(ctx context.Context) error { _, err := d.client.AccessTokens.Current(ctx); return err },
		func(ctx context.Context) error { _, err := d.client.Partner.Get(ctx); return err },
	} {
		go func() {
			ctx, cancel := context.WithTimeout(ctx, planCheckBudget)
			defer cancel()
			_ = read(ctx) // reported by the check that joins it
		}()
	}
}

// partnerForPlan reads the partner row within the plan-check budget. A refused
// token is an error, reported once per process; any other failure warns once
// per process, and the plan goes on without the row.
func (d *providerData) partnerForPlan(ctx context.Context) (*flexslot.Partner, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx, cancel := context.WithTimeout(ctx, planCheckBudget)
	defer cancel()
	p, err := d.client.Partner.Get(ctx)
	switch {
	case err == nil:
		return p, diags
	case flexslot.IsUnauthorized(err) || flexslot.IsForbidden(err):
		if d.refusedReported.CompareAndSwap(false, true) {
			diags.Append(tokenRefusedAtPlanDiagnostic("Reading the partner row", err))
		}
	case d.partnerWarned.CompareAndSwap(false, true):
		diags.Append(partnerUnreadableWarning(err))
	}
	return nil, diags
}

// checkTokenAtPlan warns, once per process, when the Personal Access Token
// expires within tokenExpiryWarningWindow. Its metadata is read at most once
// per process; when it cannot be read, the plan goes on without the warning
// (a refused token is reported by whichever call Flexslot refuses).
func (d *providerData) checkTokenAtPlan(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	if d.tokenChecked.Swap(true) {
		return diags
	}
	ctx, cancel := context.WithTimeout(ctx, planCheckBudget)
	defer cancel()
	t, err := d.client.AccessTokens.Current(ctx)
	switch {
	case flexslot.IsUnauthorized(err) || flexslot.IsForbidden(err):
		if d.refusedReported.CompareAndSwap(false, true) {
			diags.Append(tokenRefusedAtPlanDiagnostic("Reading the token's metadata", err))
		}
		return diags
	case err != nil:
		tflog.Debug(ctx, "The Personal Access Token's metadata could not be read; the plan does not check its expiry", map[string]any{"error": err.Error()})
		return diags
	}
	if why := t.Unusable(time.Now()); why != "" {
		if d.refusedReported.CompareAndSwap(false, true) {
			diags.Append(tokenUnusableDiagnostic(d.client.TokenLabel(), why))
		}
		return diags
	}
	if t.ExpiresAt != nil {
		if left := time.Until(*t.ExpiresAt); left < tokenExpiryWarningWindow {
			diags.Append(tokenExpiresSoonWarning(d.client.TokenLabel(), *t.ExpiresAt, left))
		}
	}
	return diags
}

// nonCatalogScopes returns the known, well-formed scopes of a set that are
// outside the published catalog, in order.
func nonCatalogScopes(scopes types.Set) []string {
	var out []string
	if scopes.IsNull() || scopes.IsUnknown() {
		return out
	}
	for _, v := range scopes.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() || rules.InCatalog(s.ValueString()) || !rules.ValidScope(s.ValueString()) {
			continue
		}
		out = append(out, s.ValueString())
	}
	slices.Sort(out)
	return out
}

// scopeDiagnostics judges each scope outside the catalog against the
// partner's scopes: a scope the partner holds warns, one it does not hold is
// an error, since the create endpoint publishes allowed_scopes as an enum of
// the catalog and only the partner's scopes can widen it. Without the row
// (partner nil), each scope warns as it always did.
func scopeDiagnostics(scopes []string, partner *flexslot.Partner) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, scope := range scopes {
		p := path.Root("allowed_scopes").AtSetValue(types.StringValue(scope))
		switch {
		case partner == nil:
			diags.Append(nonCatalogScopeWarning(p, scope))
		case slices.Contains(partner.Scopes, scope):
			diags.Append(partnerScopeWarning(p, scope))
		default:
			diags.Append(scopeNotAvailableDiagnostic(p, scope, partner.Scopes))
		}
	}
	return diags
}
