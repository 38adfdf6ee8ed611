/**
 * The live node's lifecycle as a transition table: which state may follow which, and the typed error
 * for any other move. The node consults it on every change, so an illegal call (`pause()` before
 * `start()`, a second `start()`) fails loudly instead of leaving the node half-changed.
 */
import { ErrorCode, RxTradeError } from '@rxtrade/core';
import { NodeState } from '../live-node-view';

/**
 * The legal transitions: `from` → the states it may move to.
 *
 * ```text
 * IDLE ─► STARTING ─► RUNNING ⇄ PAUSED
 *                       ⇅        ⇅
 *                    DEGRADED ⇄ ┘
 * any of them ─► STOPPING ─► STOPPED;   any but STOPPED ─► ERROR
 * ```
 *
 * @example
 * ```ts
 * NODE_TRANSITIONS.RUNNING.includes('PAUSED'); // true
 * NODE_TRANSITIONS.STOPPED.length; // 0
 * ```
 */
export const NODE_TRANSITIONS: Readonly<Record<NodeState, readonly NodeState[]>> = {
  IDLE: [NodeState.STARTING, NodeState.STOPPING, NodeState.ERROR],
  STARTING: [NodeState.RUNNING, NodeState.DEGRADED, NodeState.STOPPING, NodeState.ERROR],
  RUNNING: [NodeState.PAUSED, NodeState.DEGRADED, NodeState.STOPPING, NodeState.ERROR],
  PAUSED: [NodeState.RUNNING, NodeState.DEGRADED, NodeState.STOPPING, NodeState.ERROR],
  DEGRADED: [NodeState.RUNNING, NodeState.PAUSED, NodeState.STOPPING, NodeState.ERROR],
  STOPPING: [NodeState.STOPPED, NodeState.ERROR],
  STOPPED: [],
  ERROR: [],
};

/**
 * A lifecycle call the node's current state does not allow, such as `resume()` while RUNNING.
 *
 * @example
 * ```ts
 * try { node.resume() } catch (e) { if (e instanceof IllegalNodeTransitionError) console.error(e.from, e.to) }
 * ```
 */
export class IllegalNodeTransitionError extends RxTradeError {
  constructor(
    readonly from: NodeState,
    readonly to: NodeState,
    readonly action: string,
  ) {
    const allowed = NODE_TRANSITIONS[from];
    super(
      ErrorCode.ILLEGAL_TRANSITION,
      `live node: ${action} is not allowed in state ${from} (${from} -> ${to} is not a transition; from ${from} the node may go to ${allowed.length === 0 ? 'nothing: it is final' : allowed.join(', ')})`,
    );
  }
}

/**
 * Whether `from` → `to` is a legal transition.
 *
 * @example
 * ```ts
 * canTransition('IDLE', 'RUNNING'); // false: a node starts through STARTING
 * ```
 */
export function canTransition(from: NodeState, to: NodeState): boolean {
  return NODE_TRANSITIONS[from].includes(to);
}
