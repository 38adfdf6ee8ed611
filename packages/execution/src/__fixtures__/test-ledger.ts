/**
 * A minimal `AccountLedger` for kernel tests: one currency, net positions at average cost, marks. The
 * execution package does not depend on `@rxtrade/portfolio`; this small book keeps the kernel's tests
 * independent of the real `Ledger` and checks that the interface is all the kernel needs.
 */
import { Decimal, ZERO, type AccountLedger, type Balance, type Fill, type InstrumentId, type Position } from '@rxtrade/core';

export class TestLedger implements AccountLedger {
  readonly baseCurrency = 'USD';
  /** Every fill booked, in order. */
  readonly booked: Fill[] = [];
  private cashValue: Decimal;
  private fees: Decimal = ZERO;
  private readonly qty = new Map<InstrumentId, Decimal>();
  private readonly cost = new Map<InstrumentId, Decimal>();
  private readonly marks = new Map<InstrumentId, number>();

  constructor(startingCash: number) {
    this.cashValue = new Decimal(startingCash);
  }

  applyFill(fill: Fill): void {
    this.booked.push(fill);
    const signed = fill.side === 'BUY' ? fill.quantity : fill.quantity.neg();
    this.cashValue = this.cashValue.minus(signed.mul(fill.price)).minus(fill.commission);
    this.fees = this.fees.plus(fill.commission);
    this.qty.set(fill.instrumentId, this.positionQuantity(fill.instrumentId).plus(signed));
    this.cost.set(fill.instrumentId, (this.cost.get(fill.instrumentId) ?? ZERO).plus(signed.mul(fill.price)));
  }

  applyFunding(_instrumentId: InstrumentId, amount: Decimal): void {
    this.cashValue = this.cashValue.plus(amount);
  }

  mark(instrumentId: InstrumentId, price: number): void {
    this.marks.set(instrumentId, price);
  }

  equityValue(): number {
    return this.equity().toNumber();
  }

  cash(): Decimal {
    return this.cashValue;
  }

  balances(): readonly Balance[] {
    return [{ currency: 'USD', total: this.cashValue, free: this.cashValue, locked: ZERO }];
  }

  positionQuantity(instrumentId: InstrumentId): Decimal {
    return this.qty.get(instrumentId) ?? ZERO;
  }

  position(instrumentId: InstrumentId): Position | undefined {
    const quantity = this.qty.get(instrumentId);
    if (quantity === undefined) return undefined;
    const avgPrice = quantity.isZero() ? ZERO : this.cost.get(instrumentId)!.div(quantity);
    return { instrumentId, quantity, avgPrice, realizedPnl: ZERO, unrealizedPnl: ZERO, ts: 0 };
  }

  openPositions(): readonly Position[] {
    return [...this.qty.keys()].map((id) => this.position(id)!).filter((p) => !p.quantity.isZero());
  }

  equity(): Decimal {
    let total = this.cashValue;
    for (const [id, q] of this.qty) total = total.plus(q.mul(this.marks.get(id) ?? 0));
    return total;
  }

  totalFees(): Decimal {
    return this.fees;
  }
}
