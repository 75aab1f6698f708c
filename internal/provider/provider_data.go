package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

// providerData is what Configure hands to resources, data sources and list resources.
type providerData struct {
	client *flexslot.Client

	// The plan-time client limit check lists the partner's clients once per
	// provider process, however many clients the plan creates.
	listOnce    sync.Once
	listClients []flexslot.OAuth2Client
	listErr     error
}

// partnerClients returns the partner's clients, listed at most once per process.
func (d *providerData) partnerClients(ctx context.Context) ([]flexslot.OAuth2Client, error) {
	d.listOnce.Do(func() { d.listClients, d.listErr = d.client.OAuth2Clients.List(ctx) })
	return d.listClients, d.listErr
}

// configuredData extracts providerData from a Configure request's ProviderData.
// It returns nil without error while the provider is not configured yet.
func configuredData(raw any) (*providerData, diag.Diagnostics) {
	if raw == nil {
		return nil, nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil, diags
	}
	return data, nil
}
