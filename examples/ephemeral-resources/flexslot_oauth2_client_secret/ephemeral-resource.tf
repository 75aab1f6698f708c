# Decrypt the client secret in memory, for a write-only argument or a
# provisioner: the plaintext is written to no state file and no plan file.
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

variable "secret_recipient" {
  description = "The age recipient (age1..., from age-keygen) whose identity decrypts the secret."
  type        = string
}

# Ephemeral: set through TF_VAR_flexslot_identity on the runners that apply,
# it is in no state and no plan file.
variable "flexslot_identity" {
  description = "The age identity (AGE-SECRET-KEY-1...) of secret_recipient, or an unencrypted OpenSSH private key."
  type        = string
  ephemeral   = true
  sensitive   = true
}

resource "flexslot_oauth2_client" "api" {
  application_name  = "Deck Builder API"
  client_type       = "confidential"
  redirect_uris     = ["https://api.decks.example.com/oauth/callback"]
  allowed_scopes    = ["decks:read"]
  secret_recipients = [var.secret_recipient]
  rotation_period   = "90d"
}

ephemeral "flexslot_oauth2_client_secret" "api" {
  client_secret_encrypted = flexslot_oauth2_client.api.client_secret_encrypted
  identity                = var.flexslot_identity
}

# Hand it to a deploy step; pass it to a write-only argument (*_wo) the same
# way, with flexslot_oauth2_client.api.secret_version as its *_wo_version.
resource "terraform_data" "deploy" {
  triggers_replace = [flexslot_oauth2_client.api.secret_version]

  provisioner "local-exec" {
    command = "./deploy-secret.sh"
    environment = {
      CLIENT_ID     = flexslot_oauth2_client.api.client_id
      CLIENT_SECRET = ephemeral.flexslot_oauth2_client_secret.api.client_secret
    }
  }
}
