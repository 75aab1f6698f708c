# A client watched by CI: the two check blocks report what a plan's exit code
# does not, a suspension by Flexslot and a secret rotated in the dashboard.
# A failed check is a warning: the run goes on, and CI reads it from
# `show -json` of the saved plan (see the drift detection guide).
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
  allowed_scopes   = ["cards:read", "decks:read"]

  deletion_protection = true
}

check "web_client_active" {
  assert {
    condition     = flexslot_oauth2_client.web.status == "active"
    error_message = "Flexslot has suspended ${flexslot_oauth2_client.web.client_id}: users cannot authorize it. Contact Flexslot."
  }
}

check "web_secret_current" {
  assert {
    condition     = flexslot_oauth2_client.web.secret_current
    error_message = "The secret of ${flexslot_oauth2_client.web.client_id} in state no longer works: it was rotated outside Terraform."
  }
}
