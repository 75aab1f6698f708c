# Sourced by tools/demo.sh and tools/examples-check.sh.
#
# dev_cli_config WORK TOOLS_DIR builds the provider from this checkout into
# WORK/bin and writes WORK/cli.tfrc: dev_overrides for both registry hosts,
# the same build in a local mirror as version 0.1.0 (init still resolves
# dev-overridden providers), and hashicorp/time from the tools mirror built by
# tools/install.sh. Nothing is ever downloaded from a registry. It then points
# TF_CLI_CONFIG_FILE at that file and clears what could steer the CLI elsewhere.
dev_cli_config() {
	local work=$1 tools_dir=$2 os_arch host
	go build -o "$work/bin/terraform-provider-flexslot" .
	os_arch="$(go env GOOS)_$(go env GOARCH)"
	for host in registry.opentofu.org registry.terraform.io; do
		mkdir -p "$work/mirror/$host/flexslot/flexslot/0.1.0/$os_arch"
		ln -sf "$work/bin/terraform-provider-flexslot" \
			"$work/mirror/$host/flexslot/flexslot/0.1.0/$os_arch/terraform-provider-flexslot_v0.1.0"
	done
	cat >"$work/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/flexslot/flexslot" = "$work/bin"
    "registry.opentofu.org/flexslot/flexslot" = "$work/bin"
  }
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/flexslot/flexslot", "registry.opentofu.org/flexslot/flexslot"]
  }
  filesystem_mirror {
    path    = "$tools_dir/mirror"
    include = ["registry.terraform.io/hashicorp/time", "registry.opentofu.org/hashicorp/time"]
  }
  direct {
    exclude = [
      "registry.terraform.io/flexslot/flexslot", "registry.opentofu.org/flexslot/flexslot",
      "registry.terraform.io/hashicorp/time", "registry.opentofu.org/hashicorp/time",
    ]
  }
}
TFRC
	export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
	export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
	unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_destroy
}
