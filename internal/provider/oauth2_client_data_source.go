package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

// defaultDataSourceReadTimeout bounds a data source's read, retries included.
const defaultDataSourceReadTimeout = 2 * time.Minute

var (
	_ datasource.DataSource                     = (*oauth2ClientDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*oauth2ClientDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*oauth2ClientDataSource)(nil)
)

// NewOAuth2ClientDataSource returns the flexslot_oauth2_client data source.
func NewOAuth2ClientDataSource() datasource.DataSource { return &oauth2ClientDataSource{} }

type oauth2ClientDataSource struct {
	data *providerData
}

type oauth2ClientDataSourceModel struct {
	oauth2ClientView
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *oauth2ClientDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_client"
}

func (d *oauth2ClientDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := clientViewAttributes()
	attributes["client_id"] = schema.StringAttribute{
		Description: "The identifier of the client to look up, such as `cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y`. Exactly one " +
			"of `client_id` and `application_name` must be set.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{clientIDRule()},
	}
	attributes["application_name"] = schema.StringAttribute{
		Description: "The application name of the client to look up, matched exactly. It must match exactly one " +
			"active or suspended client. Exactly one of `client_id` and `application_name` must be set.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{applicationNameRule()},
	}
	resp.Schema = schema.Schema{
		Description: "Looks up one active or suspended OAuth2 client of your Flexslot partner application by its " +
			"client_id or its application name, whoever created it (another configuration or the dashboard). Never " +
			"exposes the client secret.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *oauth2ClientDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("client_id"), path.MatchRoot("application_name")),
	}
}

func (d *oauth2ClientDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *oauth2ClientDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config oauth2ClientDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, config.Timeouts.Read, defaultDataSourceReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	var client *flexslot.OAuth2Client
	if name := config.ApplicationName; !name.IsNull() {
		clients, err := d.data.client.OAuth2Clients.List(ctx)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(opList, "", err))
			return
		}
		matches := filterClients(clients, clientFilter{ApplicationName: name})
		if len(matches) != 1 {
			resp.Diagnostics.Append(applicationNameMatchDiagnostic(name.ValueString(), matches))
			return
		}
		client = &matches[0]
	} else {
		clientID := config.ClientID.ValueString()
		var err error
		client, err = d.data.client.OAuth2Clients.Get(ctx, clientID)
		if errors.Is(err, flexslot.ErrNotFound) {
			resp.Diagnostics.Append(clientNotFoundDiagnostic(clientID))
			return
		}
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(opRead, clientID, err))
			return
		}
	}

	config.oauth2ClientView, diags = clientView(ctx, client)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
