# Quickstart: two OAuth2 clients of a Flexslot partner application.
#
#   export FLEXSLOT_PAT=flx_pat_...   # your Personal Access Token
#   terraform init && terraform apply
#
# `make demo` runs this configuration against the local Flexslot emulator.

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

# Reads FLEXSLOT_PAT, and FLEXSLOT_BASE_URL when set.
provider "flexslot" {}

variable "secret_generation" {
  description = "Change this value to rotate the web client's secret now."
  type        = number
  default     = 1
}

# Rotates the web client's secret every 90 days.
resource "time_rotating" "web_secret" {
  rotation_days = 90
}

# The backend of a web app: a confidential client, with a secret.
resource "flexslot_oauth2_client" "web" {
  application_name = "Quickstart Web"
  client_type      = "confidential"
  redirect_uris = [
    "https://quickstart.example.com/oauth/callback",
    "http://localhost:3000/oauth/callback",
  ]
  allowed_scopes = ["cards:read", "decks:read"]

  # Shown to users on Flexslot's consent screen.
  application_url    = "https://quickstart.example.com"
  privacy_policy_url = "https://quickstart.example.com/privacy"
  tos_url            = "https://quickstart.example.com/terms"

  rotation_triggers = {
    rotated_at = time_rotating.web_secret.id
    generation = tostring(var.secret_generation)
  }
}

# A command-line tool: a public client, no secret, PKCE and a loopback redirect.
resource "flexslot_oauth2_client" "cli" {
  application_name = "Quickstart CLI"
  client_type      = "public"
  redirect_uris    = ["http://127.0.0.1:8765/callback"]
  allowed_scopes   = ["decks:read"]
}

# Every client of the partner, including any made in the dashboard.
data "flexslot_oauth2_clients" "all" {
  depends_on = [flexslot_oauth2_client.web, flexslot_oauth2_client.cli]
}
