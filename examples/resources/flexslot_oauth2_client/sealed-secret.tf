# Keep the plaintext secret out of state and plans: encrypt it to the age
# recipient (or SSH public key) of whatever deploys the app.
variable "deploy_age_recipient" {
  description = "age recipient (age1...) of the deployment pipeline."
  type        = string
}

resource "flexslot_oauth2_client" "api" {
  application_name = "Deck Builder API"
  client_type      = "confidential"
  redirect_uris    = ["https://api.decks.example.com/oauth/callback"]
  allowed_scopes   = ["decks:read", "exports:read"]

  # client_secret stays null; client_secret_encrypted holds the secret.
  secret_recipients = [var.deploy_age_recipient]

  # Rotate whenever state holds no working secret: after import, or after
  # someone rotated the secret in the dashboard.
  rotate_when_stale = true
}

# ASCII-armored age ciphertext; `age -d -i key.txt` decrypts it.
output "api_client_secret_encrypted" {
  value = flexslot_oauth2_client.api.client_secret_encrypted
}

# Fail the run when the secret in state no longer works.
check "api_secret_current" {
  assert {
    condition     = flexslot_oauth2_client.api.secret_current
    error_message = "The secret of ${flexslot_oauth2_client.api.client_id} was rotated outside Terraform."
  }
}
