package provider

import (
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

// providerData is what Configure hands to resources, data sources and list resources.
type providerData struct {
	client *flexslot.Client

	// limitWarned and listWarned make each plan-time warning appear once per
	// provider process, however many clients the plan creates.
	limitWarned, listWarned atomic.Bool
	// partnerWarned, tokenChecked and refusedReported do the same for the
	// plan-time checks of the partner row and of the token (plan_checks.go).
	partnerWarned, tokenChecked, refusedReported atomic.Bool

	// applying is set by the first write: the process is applying a plan
	// whose checks already ran, and the CLI plans each create again only to
	// apply it.
	applying atomic.Bool
}

// configuredData extracts providerData from a Configure request's ProviderData.
// It returns nil without error while the provider is not configured yet.
func configuredData(raw any) (*providerData, diag.Diagnostics) {
	if raw == nil {
		return nil, nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		return nil, diag.Diagnostics{providerBugDiagnostic("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T.", raw))}
	}
	return data, nil
}
