//! BAL: balancing (SNIP 3). Amounts are `Dec`, exact decimals: 0.1 + 0.2 is 0.3.

pub mod claim_charge_mismatch;
pub mod cob_payment_mismatch;
