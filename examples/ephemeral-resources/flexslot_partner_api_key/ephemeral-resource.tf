# Decrypt the partner API key in memory, for a write-only argument or a
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

variable "key_recipient" {
  description = "The age recipient (age1..., from age-keygen) whose identity decrypts the key."
  type        = string
}

# Ephemeral: set through TF_VAR_flexslot_identity on the runners that apply,
# it is in no state and no plan file.
variable "flexslot_identity" {
  description = "The age identity (AGE-SECRET-KEY-1...) of key_recipient, or an unencrypted OpenSSH private key."
  type        = string
  ephemeral   = true
  sensitive   = true
}

resource "flexslot_partner_api_key" "this" {
  secret_recipients = [var.key_recipient]
  rotation_period   = "90d"
}

ephemeral "flexslot_partner_api_key" "this" {
  api_key_encrypted = flexslot_partner_api_key.this.api_key_encrypted
  identity          = var.flexslot_identity
}

# Hand it to a deploy step whenever the key changes.
resource "terraform_data" "deploy" {
  triggers_replace = [flexslot_partner_api_key.this.key_version]

  provisioner "local-exec" {
    command = "./deploy-api-key.sh"
    environment = {
      FLEXSLOT_API_KEY = ephemeral.flexslot_partner_api_key.this.plaintext_api_key
    }
  }
}
