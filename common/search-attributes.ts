/** Custom search attributes (DESIGN §3). Registered by `overseer dev` and by the compose setup. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OverseerEpic = defineSearchAttributeKey('OverseerEpic', SearchAttributeType.KEYWORD);
export const OverseerState = defineSearchAttributeKey('OverseerState', SearchAttributeType.KEYWORD);
export const OverseerAwaitingHuman = defineSearchAttributeKey('OverseerAwaitingHuman', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTES = [OverseerEpic, OverseerState, OverseerAwaitingHuman];

/** As `temporal server start-dev --search-attribute` arguments. */
export const SEARCH_ATTRIBUTE_FLAGS = ['OverseerEpic=Keyword', 'OverseerState=Keyword', 'OverseerAwaitingHuman=Bool'];
