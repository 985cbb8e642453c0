# Terraform and provider versions. The AWS provider is held to one minor line: a new minor may add
# arguments or change defaults, so moving up is a deliberate change (read the changelog, plan, commit).
terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7.0"
    }
  }

  # Remote state: keep it in S3 with native locking once more than one person applies. The bucket
  # must exist first (create it by hand or from a separate bootstrap stack) and must have
  # versioning and default encryption on, because state holds generated secrets.
  # Fill in and uncomment, then run `terraform init -migrate-state`:
  #
  # backend "s3" {
  #   bucket       = "example-billflow-terraform-state"
  #   key          = "billflow/prod/terraform.tfstate"
  #   region       = "eu-west-1"
  #   encrypt      = true
  #   use_lockfile = true # S3-native state locking (Terraform >= 1.10); older: dynamodb_table = "..."
  # }
}
