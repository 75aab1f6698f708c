terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.14"
    }
  }
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

# A new secret every 90 days: time_rotating (hashicorp/time) changes its id
# when the period is over, and the changed trigger rotates the secret.
resource "time_rotating" "web_secret" {
  rotation_days = 90
}

# A confidential client, for a backend web app that can keep a secret.
resource "flexslot_oauth2_client" "web" {
  application_name = "Deck Builder"
  client_type      = "confidential"
  redirect_uris = [
    "https://decks.example.com/oauth/callback",
    "http://localhost:3000/oauth/callback",
  ]
  # From Flexslot's published scope catalog; decks:write implies decks:read.
  allowed_scopes = ["cards:read", "decks:read", "decks:write"]

  # Shown to users on Flexslot's consent screen.
  application_url      = "https://decks.example.com"
  application_logo_url = "https://decks.example.com/logo.png"
  privacy_policy_url   = "https://decks.example.com/privacy"
  tos_url              = "https://decks.example.com/terms"

  # A new, non-empty value issues a new secret; the client_id stays.
  rotation_triggers = {
    rotated_at = time_rotating.web_secret.id
  }

  # Revoking this client would sign out every user who authorized it:
  # refuse destroy and replacement while this is true.
  deletion_protection = true
}

# A public client, for a CLI that cannot keep a secret: no client_secret,
# PKCE only, and a loopback redirect URI.
resource "flexslot_oauth2_client" "cli" {
  application_name = "Deck Builder CLI"
  client_type      = "public"
  redirect_uris    = ["http://127.0.0.1:8765/callback"]
  allowed_scopes   = ["decks:read", "exports:read"]

  # No refresh tokens: the CLI signs the user in again when its access token
  # expires. Defaults to both authorization_code and refresh_token.
  grant_types = ["authorization_code"]

  application_url = "https://decks.example.com/cli"
}

output "web_client_id" {
  value = flexslot_oauth2_client.web.client_id
}

# Hand the secret to your app's secret store; it is sensitive in plans and output.
output "web_client_secret" {
  value     = flexslot_oauth2_client.web.client_secret
  sensitive = true
}
