# Fail the plan when the secret in state no longer works, because someone
# rotated it in the dashboard: a postcondition on secret_current is an error
# in a normal plan (and a warning in a -refresh-only plan).
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

resource "flexslot_oauth2_client" "web" {
  application_name = "Deck Builder"
  client_type      = "confidential"
  redirect_uris    = ["https://decks.example.com/oauth/callback"]
  allowed_scopes   = ["decks:read"]

  # With rotate_when_stale = true, a plan that finds the secret stale rotates
  # it instead, so the postcondition holds and the apply puts a working secret
  # in state.
  rotate_when_stale = false

  lifecycle {
    postcondition {
      condition     = self.secret_current
      error_message = "The secret of ${self.client_id} in state no longer works: it was rotated outside Terraform. Set rotate_when_stale = true, or change rotation_triggers, and apply to issue one that Terraform holds."
    }
  }
}

# A suspension is Flexslot's decision, not something an apply can undo: warn
# with a check block rather than fail every plan.
check "web_client_active" {
  assert {
    condition     = flexslot_oauth2_client.web.status == "active"
    error_message = "Flexslot has suspended ${flexslot_oauth2_client.web.client_id}: users cannot authorize it. Contact Flexslot."
  }
}
