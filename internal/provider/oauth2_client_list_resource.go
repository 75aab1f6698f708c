package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

var (
	_ list.ListResource              = (*oauth2ClientListResource)(nil)
	_ list.ListResourceWithConfigure = (*oauth2ClientListResource)(nil)
)

// NewOAuth2ClientListResource returns the list resource for flexslot_oauth2_client,
// which `terraform query` uses to find clients and generate import blocks for them.
func NewOAuth2ClientListResource() list.ListResource { return &oauth2ClientListResource{} }

type oauth2ClientListResource struct {
	data *providerData
}

func (r *oauth2ClientListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_client"
}

func (r *oauth2ClientListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the active and suspended OAuth2 clients of your Flexslot partner application, including " +
			"those created in the dashboard, optionally filtered. Results never carry a client secret.",
		Attributes: map[string]schema.Attribute{
			"client_type": schema.StringAttribute{
				Description: clientFilterDescriptions.clientType,
				Optional:    true,
				Validators:  clientTypeFilterValidators(),
			},
			"status": schema.StringAttribute{
				Description: clientFilterDescriptions.status,
				Optional:    true,
				Validators:  statusFilterValidators(),
			},
			"application_name": schema.StringAttribute{
				Description: clientFilterDescriptions.applicationName,
				Optional:    true,
			},
		},
	}
}

func (r *oauth2ClientListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

func (r *oauth2ClientListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter clientFilter
	if diags := req.Config.Get(ctx, &filter); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if r.data == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{unconfiguredListDiagnostic()})
		return
	}

	all, err := r.data.client.OAuth2Clients.List(ctx)
	if err != nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{
			apiErrorDiagnostic(opList, "", err),
		})
		return
	}
	clients := filterClients(all, filter)

	stream.Results = func(push func(list.ListResult) bool) {
		for i := range clients {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = clientDisplayName(clients[i])
			result.Diagnostics.Append(setIdentity(ctx, result.Identity, clients[i].ClientID)...)
			if req.IncludeResource {
				result.Diagnostics.Append(setListedResource(ctx, result.Resource, &clients[i])...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// clientDisplayName names a listed client for people: its application name and ID.
func clientDisplayName(c flexslot.OAuth2Client) string {
	return fmt.Sprintf("%s (%s)", c.ApplicationName, c.ClientID)
}

// setListedResource fills a listed client's resource object as import followed
// by a read would: the secret and its timestamp are null because Flexslot shows
// a secret only once, deletion_protection takes its default and the optional
// arguments that Flexslot does not store are null.
func setListedResource(ctx context.Context, res *tfsdk.Resource, c *flexslot.OAuth2Client) diag.Diagnostics {
	timeoutsType, diags := res.Schema.TypeAtPath(ctx, path.Root("timeouts"))
	t, ok := timeoutsType.(timeouts.Type)
	if diags.HasError() || !ok {
		diags.Append(providerBugDiagnostic("Unexpected resource schema", fmt.Sprintf("The timeouts block has the type %T.", timeoutsType)))
		return diags
	}

	m := oauth2ClientModel{
		RotationTriggers:      types.MapNull(types.StringType),
		SecretRecipients:      types.SetNull(types.StringType),
		RotateWhenStale:       types.BoolValue(false),
		DeletionProtection:    types.BoolValue(false),
		ClientSecret:          types.StringNull(),
		ClientSecretEncrypted: types.StringNull(),
		SecretRotatedAt:       types.StringNull(),
		Timeouts:              timeouts.Value{Object: types.ObjectNull(t.AttrTypes)},
	}
	diags.Append(m.setClient(ctx, c)...)
	m.SecretCurrent = secretCurrent(m, c)
	m.SecretVersion = initialSecretVersion(m)
	if diags.HasError() {
		return diags
	}
	return append(diags, res.Set(ctx, &m)...)
}
