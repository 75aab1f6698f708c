# The configuration beside the .tfquery.hcl file: terraform query uses its
# providers. Reads FLEXSLOT_PAT from the environment.
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

provider "flexslot" {}
