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
  allowed_scopes = ["openid", "profile", "decks:read", "decks:write"]

  # Any change to these values issues a new secret; the client_id stays.
  rotation_triggers = {
    rotated_at = time_rotating.web_secret.id
  }

  # Destroying or replacing this client would sign out every user who
  # authorized it: refuse any plan that does.
  deletion_protection = true
}

# A public client, for a CLI that cannot keep a secret: no client_secret,
# PKCE only, and a loopback redirect URI.
resource "flexslot_oauth2_client" "cli" {
  application_name = "Deck Builder CLI"
  client_type      = "public"
  redirect_uris    = ["http://127.0.0.1:8765/callback"]
  allowed_scopes   = ["openid", "decks:read"]
}

output "web_client_id" {
  value = flexslot_oauth2_client.web.client_id
}

# Hand the secret to your app's secret store; it is sensitive in plans and output.
output "web_client_secret" {
  value     = flexslot_oauth2_client.web.client_secret
  sensitive = true
}
