terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

import {
  to = flexslot_oauth2_client.web
  id = "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y"
}

resource "flexslot_oauth2_client" "web" {
  application_name   = "Deck Builder"
  client_type        = "confidential"
  redirect_uris      = ["https://decks.example.com/oauth/callback"]
  allowed_scopes     = ["decks:read"]
  application_url    = "https://decks.example.com"
  privacy_policy_url = "https://decks.example.com/privacy"
}
