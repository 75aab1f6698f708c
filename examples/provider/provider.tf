terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

# The Personal Access Token of your partner account. Leave it unset to use
# the FLEXSLOT_PAT environment variable instead, which keeps it out of files.
variable "flexslot_pat" {
  description = "Flexslot Personal Access Token (flx_pat_...)."
  type        = string
  sensitive   = true
  default     = null
}

provider "flexslot" {
  # Optional: falls back to the FLEXSLOT_PAT environment variable.
  api_token = var.flexslot_pat

  # base_url is left out: the provider talks to Flexslot's API,
  # https://api.flexslot.gg. Set it (or FLEXSLOT_BASE_URL) only for a gateway
  # in front of the API or a local emulator.
}
