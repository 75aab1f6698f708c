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

// stringRule is a plan-time check of one string attribute. Unknown values
// (module inputs not known yet) pass; every problem becomes an attribute error.
type stringRule struct {
	description string
	summary     string
	// problems returns one sentence per broken rule, naming the value.
	problems func(value string) []string
}

var _ validator.String = stringRule{}

func (r stringRule) Description(context.Context) string { return r.description }

func (r stringRule) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, p := range r.problems(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, r.summary, p)
	}
}

// redirectURIRule applies Flexslot's redirect URI rules, the same package the
// API uses, so plan-time validation and the server can never disagree.
func redirectURIRule() stringRule {
	return stringRule{
		description: "must be a valid Flexslot redirect URI: https (http only for localhost, 127.0.0.1 and [::1]), no wildcards, no fragment, no custom scheme",
		summary:     "Invalid redirect URI",
		problems: func(uri string) []string {
			var out []string
			for _, problem := range redirecturi.Problems(uri) {
				out = append(out, fmt.Sprintf("The redirect URI %q %s.", uri, problem))
			}
			return out
		},
	}
}

func scopeRule() stringRule {
	return stringRule{
		description: "must be " + scope.Syntax,
		summary:     "Invalid scope",
		problems: func(s string) []string {
			if scope.Valid(s) {
				return nil
			}
			return []string{fmt.Sprintf("The scope %q is not a valid scope name: it must be %s.", s, scope.Syntax)}
		},
	}
}

func clientIDRule() stringRule {
	return stringRule{
		description: "must be flx_client_ followed by a 26-character ULID",
		summary:     "Invalid client ID",
		problems:    func(id string) []string { return errorSentence(parseClientID(id)) },
	}
}

// baseURLRule refuses a literal base_url at validate time; values from the
// environment are checked in Configure by the same function.
func baseURLRule() stringRule {
	return stringRule{
		description: "must be an absolute https URL (http only for loopback hosts)",
		summary:     "Invalid Flexslot base URL",
		problems: func(raw string) []string {
			if err := checkBaseURL(raw); err != nil {
				return []string{fmt.Sprintf("The base URL %q %s.", raw, err)}
			}
			return nil
		},
	}
}

func errorSentence(err error) []string {
	if err == nil {
		return nil
	}
	return []string{err.Error() + "."}
}
