// How destination kinds read on screen, and what a person needs to know to set each one up.

import type { DestinationKind } from '../bindings/DestinationKind';

export const KIND_LABELS: Record<DestinationKind, string> = {
  teams: 'Microsoft Teams',
  slack: 'Slack',
  webhook: 'Webhook',
};

export const KINDS: readonly DestinationKind[] = ['teams', 'slack', 'webhook'];

/** Where the URL comes from, for each kind. */
export const URL_HINTS: Record<DestinationKind, string> = {
  teams:
    'In Teams, add the workflow "Post to a channel when a webhook request is received" to the channel and copy the URL it gives you.',
  slack: 'In Slack, create an incoming webhook for the channel (Apps → Incoming Webhooks) and copy its URL.',
  webhook: "Any HTTPS address that accepts Deckhand's JSON (the user guide describes it), e.g. your LIMS or pager gateway.",
};

export function isDestinationKind(value: string): value is DestinationKind {
  return value in KIND_LABELS;
}
