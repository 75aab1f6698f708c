# In a module: reject a bad redirect URI passed to it, with the messages
# Flexslot would answer, at plan, before anything is created or changed.
# Provider functions need Terraform 1.8+ or OpenTofu 1.7+, and the module that
# calls one must declare the provider in required_providers.
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

variable "redirect_uris" {
  description = "Redirect URIs of the app's OAuth2 client."
  type        = list(string)

  validation {
    condition = alltrue([
      for uri in var.redirect_uris : length(provider::flexslot::redirect_uri_problems(uri)) == 0
    ])
    error_message = join("\n", flatten([
      for uri in var.redirect_uris : [
        for problem in provider::flexslot::redirect_uri_problems(uri) : "The redirect URI \"${uri}\" ${problem}."
      ]
    ]))
  }
}

# An empty list: the URI is valid.
output "valid" {
  value = provider::flexslot::redirect_uri_problems("https://decks.example.com/oauth/callback")
}

# ["must use https: http is allowed only for the loopback hosts localhost (written exactly so, in lower
# case), 127.0.0.1 and [::1]; a native app that picks its port at run time should register
# http://127.0.0.1/ with its path, which matches any port"]
output "plain_http" {
  value = provider::flexslot::redirect_uri_problems("http://decks.example.com/oauth/callback")
}

# An empty list: 127.0.0.1 and [::1] take any port, and match any port at /authorize.
output "native_app" {
  value = provider::flexslot::redirect_uri_problems("http://127.0.0.1/callback")
}
