provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Application = "billflow"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
# Exactly the zones named by var.availability_zones (a new zone in the region changes nothing);
# the lookup fails the plan if one of them is not available.
data "aws_availability_zones" "selected" {
  state = "available"
  filter {
    name   = "zone-name"
    values = [for suffix in var.availability_zones : "${var.region}${suffix}"]
  }
}
