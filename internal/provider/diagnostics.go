package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

func unknownProviderValueDiagnostic(p path.Path, envVar string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Unknown Flexslot provider configuration value",
		fmt.Sprintf("The provider cannot create the Flexslot API client because %s is not known until apply. "+
			"Set it to a value known at plan time, use the %s environment variable, or apply the resource it depends on first "+
			"(-target).", p, envVar))
}

// apiErrorDiagnostic turns any error from the Flexslot client into one
// diagnostic: what failed, what Flexslot said (with its request id), and what to do.
func apiErrorDiagnostic(action, clientID string, err error) diag.Diagnostic {
	summary := "Failed to " + action
	if clientID != "" {
		summary += " " + clientID
	}
	detail := err.Error()
	if hint := errorHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

func errorHint(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "The operation did not finish within its timeout. Raise the timeout in the resource's timeouts block, " +
			"or try again when Flexslot answers faster. Run plan first: it shows whether the change was made."
	}
	var apiErr *flexslot.APIError
	if !errors.As(err, &apiErr) {
		return "Check that base_url points at the Flexslot API and that it is reachable, then run apply again."
	}
	switch {
	case apiErr.Code == flexslot.CodeClientLimitReached:
		return "Each partner may hold 10 active or suspended clients. Revoke a client you no longer use (remove it " +
			"from your configuration or revoke it in the dashboard), or contact Flexslot for a higher limit."
	case apiErr.Code == flexslot.CodeInvalidScope:
		return "Use only scopes from your partner scope catalog (Account → API access lists them)."
	case apiErr.Code == flexslot.CodeInvalidRedirectURI:
		return "Fix the redirect URI named above: HTTPS is required except for localhost, 127.0.0.1 and [::1]; " +
			"no wildcards, fragments or custom schemes."
	case apiErr.StatusCode == 401:
		return "The Personal Access Token was refused. Check api_token or FLEXSLOT_PAT: it may be mistyped, expired or revoked."
	case apiErr.StatusCode == 403:
		return "The token is valid but may not manage OAuth2 clients. Check that the partner application is approved and " +
			"that the token belongs to the partner."
	case apiErr.StatusCode == 429 || apiErr.StatusCode >= 500:
		return "Flexslot is throttling requests or temporarily unavailable, and retries did not succeed. Run apply again " +
			"later; nothing is lost, and run plan first to see whether the change was made."
	}
	return ""
}

func publicClientRotationDiagnostic() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("rotation_triggers"), "rotation_triggers set on a public client",
		`A public client has no client secret, so there is nothing to rotate. Remove rotation_triggers, or use client_type = "confidential".`)
}

func deletionProtectedDiagnostic(clientID, action string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("deletion_protection"), "OAuth2 client is protected from deletion",
		fmt.Sprintf("This plan would %s %s, which revokes it and signs out every user who authorized it, but "+
			"deletion_protection is true. Nothing was revoked. If this is intended, set deletion_protection = false, "+
			"apply, and then run this plan again.", action, clientID))
}

func replacementRevokesDiagnostic(clientID string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("client_type"), "Replacing the OAuth2 client revokes it",
		fmt.Sprintf("client_type cannot change in place, so %s will be revoked and a new client created with a new "+
			"client_id and secret. Revocation signs out every user who authorized the client and invalidates its tokens. "+
			"Set deletion_protection = true to prevent this.", clientID))
}

func clientLimitWarning(clients []flexslot.OAuth2Client) diag.Diagnostic {
	ids := make([]string, 0, len(clients))
	for _, c := range clients {
		ids = append(ids, c.ClientID)
	}
	return diag.NewWarningDiagnostic("Partner is at the client limit",
		fmt.Sprintf("The partner already holds %d OAuth2 clients, the most Flexslot allows, so creating another will fail "+
			"unless this plan revokes one first. Revoke an unused client or contact Flexslot. Clients holding the slots: %s.",
			len(clients), strings.Join(ids, ", ")))
}

func clientGoneWarning(clientID string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("OAuth2 client no longer exists",
		fmt.Sprintf("%s was revoked or deleted outside Terraform (for example in the dashboard), so it was removed from "+
			"state. The next apply creates a new client with a new client_id and secret.", clientID))
}

func clientSuspendedWarning(clientID string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("OAuth2 client is suspended",
		fmt.Sprintf("Flexslot has suspended %s: users cannot authorize it until Flexslot lifts the suspension. It still "+
			"counts toward the client limit and can be edited, rotated and revoked. Contact Flexslot to find out why.", clientID))
}

func staleSecretWarning(clientID string, rotatedAt time.Time) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("client_secret"), "Client secret in state is stale",
		fmt.Sprintf("The secret of %s was rotated outside Terraform at %s, so the client_secret in state no longer works. "+
			"Change a value in rotation_triggers and apply to issue a new secret that Terraform holds.",
			clientID, rotatedAt.UTC().Format(time.RFC3339)))
}

func importedWithoutSecretWarning(clientID string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("client_secret"), "Imported client has no secret in state",
		fmt.Sprintf("Flexslot shows a client secret only once, so importing %s cannot recover it: client_secret is null. "+
			"For a confidential client, set or change rotation_triggers and apply to issue a new secret that Terraform holds "+
			"(this invalidates the current secret).", clientID))
}
