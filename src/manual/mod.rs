//! Why samlguard checks what it checks: the security invariants by name,
//! the attack classes they stop, and the deployment profiles.
//!
//! Documentation only; nothing here is code.

pub mod invariants {
    //! The security invariants (placeholder, written with the layout work).
    //!
    //! # Signature profile
    //! # Pinned keys
    //! # One assertion
    //! # Proofs bound to their document
}

pub mod profiles {
    //! The deployment profiles (placeholder).
}
