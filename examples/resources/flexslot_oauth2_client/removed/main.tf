# Stop managing a client without revoking it: replace its resource block with
# a removed block, then apply. Terraform forgets the client; in Flexslot it
# keeps its client_id, its secret and its users' grants. This works even while
# deletion_protection = true, since nothing is revoked.
# Needs Terraform 1.7+ or OpenTofu 1.10+ (OpenTofu 1.7 to 1.9: leave out the
# lifecycle block; a removed block there always forgets).
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

removed {
  from = flexslot_oauth2_client.legacy

  lifecycle {
    destroy = false
  }
}
