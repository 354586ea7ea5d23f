// Huawei's time: the Date header of its replies (the clock that decides when imported material expires), read by the
// client (client.ts) with the clock every header-reading client shares.
export { ReplyDateClock } from '../reply-date-clock';
