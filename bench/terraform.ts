// Terraform's KMS API calls for the same steps, for the table `npm run bench` prints beside ours. Counted by reading
// hashicorp/terraform-provider-aws, internal/service/kms/external_key.go (resource `aws_kms_external_key`):
//
// - create (`apply`): resourceExternalKeyCreate → CreateKey (1); importExternalKeyMaterial → GetParametersForImport
//   (1), ImportKeyMaterial (1); waitKeyMaterialImported → DescribeKey until Enabled (≥1); waitKeyValidToPropagated →
//   DescribeKey until 5 answers in a row agree (ContinuousTargetOccurence 5, MinTimeout 2 s: ≥5 calls, ≥8 s);
//   then resourceExternalKeyRead → findKeyInfo (key.go): DescribeKey, GetKeyPolicy, ListResourceTags (3; rotation
//   is read only for AWS_KMS keys). 12 calls, at least 8 s of waiting.
// - any plan or refresh of an existing key (noop apply, plan, refresh, `plan -detailed-exitcode` as the GitOps
//   check): resourceExternalKeyRead → findKeyInfo: 3.
// - expiry change (`apply` with a new valid_to): the refresh (3), then resourceExternalKeyUpdate → importExternalKeyMaterial
//   (2), waitKeyMaterialImported (≥1), waitKeyValidToPropagated (≥5, ≥8 s), resourceExternalKeyRead (3): 14.
// - destroy: the refresh (3), resourceExternalKeyDelete → ScheduleKeyDeletion (1), waitKeyDeleted → DescribeKey (≥1): 5.
// - replace (new key_material_base64, ForceNew): refresh (3) + create (12) + delete (ScheduleKeyDeletion 1 +
//   waitKeyDeleted ≥1): 17.
// - drift heal: key_material_base64 is not read back and key_state is computed, so a deletion of the material out
//   of band is not seen as a change: no heal (—).
// - adopt: `terraform import` reads the key (3) but cannot import material into it (the attribute is create-only).
// Counts are the least each waiter makes (one poll when the state is already reached).

import type { Step } from './api-calls';

export const TERRAFORM_SOURCE = 'hashicorp/terraform-provider-aws internal/service/kms/external_key.go (resourceExternalKeyCreate/Read/Update/Delete, importExternalKeyMaterial, waitKeyMaterialImported, waitKeyValidToPropagated) and key.go (findKeyInfo)';

/** Least KMS calls per step; a string where Terraform has no such step or a count needs a word. */
export const TERRAFORM_CALLS: Record<Step, number | string> = {
  create: 12,
  noopUp: 3,
  preview: 3,
  refresh: 3,
  gitopsCheck: 3,
  expiryChange: 14,
  driftHeal: '— (not detected)',
  replace: 17,
  destroy: 5,
  adopt: '3 (import reads; no material import)',
};
