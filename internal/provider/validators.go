package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/flexslot/terraform-provider-flexslot/internal/redirecturi"
	"github.com/flexslot/terraform-provider-flexslot/internal/scope"
)

func applicationNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.UTF8LengthBetween(1, 100),
		stringvalidator.RegexMatches(regexp.MustCompile(`^\P{Cc}*$`), "must not contain control characters"),
	}
}

// redirectURIValidator applies Flexslot's redirect URI rules, the same package
// the API uses, so plan-time validation and the server can never disagree.
type redirectURIValidator struct{}

var _ validator.String = redirectURIValidator{}

func (redirectURIValidator) Description(context.Context) string {
	return "must be a valid Flexslot redirect URI: https (http only for localhost, 127.0.0.1 and [::1]), no wildcards, no fragment, no custom scheme"
}

func (v redirectURIValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (redirectURIValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	uri := req.ConfigValue.ValueString()
	for _, problem := range redirecturi.Problems(uri) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid redirect URI",
			fmt.Sprintf("The redirect URI %q %s.", uri, problem))
	}
}

type scopeValidator struct{}

var _ validator.String = scopeValidator{}

func (scopeValidator) Description(context.Context) string {
	return "must be " + scope.Syntax
}

func (v scopeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (scopeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !scope.Valid(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid scope",
			fmt.Sprintf("The scope %q is not a valid scope name: it must be %s.", s, scope.Syntax))
	}
}
