"""Deploys the CloudFormation template in infra/ (into the emulator locally, into AWS for real) and reads its outputs."""
from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"


def deploy_stack(cloudformation, stack_name: str, parameters: dict | None = None) -> dict:
    """Create the stack unless it already exists, wait for it, and return its outputs by name."""
    existing = _describe(cloudformation, stack_name)
    if existing is None or existing["StackStatus"] == "DELETE_COMPLETE":
        cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=TEMPLATE.read_text(),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        )
        cloudformation.get_waiter("stack_create_complete").wait(
            StackName=stack_name, WaiterConfig={"Delay": 1, "MaxAttempts": 600}
        )
        existing = _describe(cloudformation, stack_name)
    return {o["OutputKey"]: o["OutputValue"] for o in existing.get("Outputs", [])}


def _describe(cloudformation, stack_name: str) -> dict | None:
    try:
        return cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except cloudformation.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
