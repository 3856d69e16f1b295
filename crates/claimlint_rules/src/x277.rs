//! A rule's 277CA coding (005010X214): the claim status category code (STC01-1, code list
//! 507), the claim status code (STC01-2, code list 508) and, where one applies, the entity
//! identifier code (STC01-3) a rejected claim is returned with when the rule's findings
//! reject it. Declared with the rule (`x277:` in `declare_rule!`), by family when left out
//! ([`X277::family`]); the 277CA writer reads this, never a message.
//!
//! Sources of the codes used (public code-list pages, quoted):
//! - Category codes (507), as listed by eMedNY's "Claim Status Codes" page
//!   (epaces.emedny.org/help/Managing_Claims/Real_Time_Responses/Claim_Status_Codes.htm):
//!   A2 "Acknowledgement/Acceptance into adjudication system-The claim/encounter has been
//!   accepted into the adjudication system."; A3 "Acknowledgement/Returned as unprocessable
//!   claim-The claim/encounter has been rejected and has not been entered into the adjudication
//!   system."; A7 "Acknowledgement/Rejected for Invalid Information- The claim/encounter has
//!   invalid information as specified in the Status Details and has been rejected."
//! - Status codes (508), as in the WPC list reproduced at primeclinical.com ("5010 Claim Status
//!   Codes", 11/2011) and in OpenDental's X277.cs: 20 "Accepted for processing."; 21 "Missing
//!   or invalid information. Note: At least one other status code is required to identify the
//!   missing or invalid information."
//! - Entity codes: 85 (billing provider) and QC (patient) as the 277CA guide's own NM101 codes
//!   for 2100C "Billing Provider Name" and 2100D "Patient Name" (pyx12 4.0.0's
//!   277.5010.X214 map).
//!
//! Only the generic status code 21 is used for rejections: a more specific code (the
//! procedure code, the NDC, the units...) could not be verified from a source here, so none is
//! claimed. The rule code and message in STC12 say what is wrong.

/// How a rejected claim's STC01 is coded for one rule's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X277 {
    /// STC01-1: `A3` (returned as unprocessable) or `A7` (rejected for invalid information).
    pub category: &'static str,
    /// STC01-2.
    pub status: &'static str,
    /// STC01-3, when the finding is about one entity (the billing provider, the patient).
    pub entity: Option<&'static str>,
}

/// STC01 of an accepted claim: A2 (accepted into adjudication), 20 (accepted for processing).
pub const ACCEPTED: X277 = X277 {
    category: "A2",
    status: "20",
    entity: None,
};

/// Returned as unprocessable: the claim could not be read as a claim (syntax, structure,
/// envelope).
pub const UNPROCESSABLE: X277 = X277 {
    category: "A3",
    status: "21",
    entity: None,
};

/// Rejected for invalid information: read, but a value is wrong (code sets, drugs, units,
/// balancing, payer rules, duplicates).
pub const INVALID: X277 = X277 {
    category: "A7",
    status: "21",
    entity: None,
};

impl X277 {
    /// The default of a rule family, by the code's prefix: SYN, STR and ENV findings make a
    /// claim unprocessable (A3); every other family rejects it for invalid information (A7).
    pub const fn family(code: &str) -> X277 {
        let b = code.as_bytes();
        if b.len() >= 3
            && ((b[0] == b'S' && b[1] == b'Y' && b[2] == b'N')
                || (b[0] == b'S' && b[1] == b'T' && b[2] == b'R')
                || (b[0] == b'E' && b[1] == b'N' && b[2] == b'V'))
        {
            UNPROCESSABLE
        } else {
            INVALID
        }
    }

    /// The same coding about the billing provider (entity 85).
    pub const fn billing_provider(self) -> X277 {
        X277 {
            entity: Some("85"),
            ..self
        }
    }

    /// The same coding about the patient (entity QC).
    pub const fn patient(self) -> X277 {
        X277 {
            entity: Some("QC"),
            ..self
        }
    }
}

/// STC01-3 for a finding in an 837 name loop when its rule declares no entity: the loop's own
/// NM101 code, which the 277CA's STC01-3 list also carries (pyx12 4.0.0's 277.5010.X214 map,
/// 2200D): 2010AA billing provider `85`, 2010BA subscriber `IL`, 2010CA patient `QC`.
pub fn entity_of_loop(loop_id: &str) -> Option<&'static str> {
    match loop_id {
        "2010AA" => Some("85"),
        "2010BA" => Some("IL"),
        "2010CA" => Some("QC"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_rejecting_coding() {
        for r in crate::RULES {
            assert!(
                ["A3", "A7"].contains(&r.x277.category),
                "{}: {:?}",
                r.code,
                r.x277
            );
            assert!(!r.x277.status.is_empty());
        }
        assert_eq!(crate::find("SYN002").map(|r| r.x277), Some(UNPROCESSABLE));
        assert_eq!(crate::find("NDC004").map(|r| r.x277), Some(INVALID));
        assert_eq!(INVALID.billing_provider().entity, Some("85"));
        assert_eq!(entity_of_loop("2010CA"), Some("QC"));
        assert_eq!(entity_of_loop("2300"), None);
    }
}
