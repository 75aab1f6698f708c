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

  # Optional: falls back to FLEXSLOT_BASE_URL, then to this default. The
  # origin of the API only: the provider adds /api/public/v1/... itself.
  base_url = "https://api.flexslot.gg"
}
