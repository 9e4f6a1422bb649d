//! What to change on the command line: the library's hints speak Entra and
//! AWS, these speak samlguard's flags.

use samlguard::{Error, ErrorKind};

/// A flag to try for this refusal, when one helps.
pub(crate) fn for_error(error: &Error) -> Option<&'static str> {
    Some(match error.kind() {
        ErrorKind::Expired
        | ErrorKind::NotYetValid
        | ErrorKind::IssuedInFuture
        | ErrorKind::ResponseTooOld
        | ErrorKind::SessionExpired => "--now RFC3339 to check a captured response at the time it was sent",
        ErrorKind::IssuerMismatch => {
            "--idp-metadata with this tenant's Federation Metadata (or --idp-entity-id)"
        }
        ErrorKind::UnknownSigningKey => "--idp-metadata with the Federation Metadata downloaded today",
        ErrorKind::Sha1NotAllowed => "--allow-sha1 for a legacy IdP that cannot sign with SHA-256",
        ErrorKind::InResponseToMismatch => {
            "--in-response-to with the ID of the AuthnRequest this response answers"
        }
        ErrorKind::AudienceMismatch | ErrorKind::DestinationMismatch | ErrorKind::RecipientMismatch => {
            "--profile for the service this response was made for, or --sp-metadata / --audience / --acs-url"
        }
        ErrorKind::ReplayStoreUnavailable => {
            "--replay-store with the URL of a Redis that answers (redis-cli -u URL ping)"
        }
        ErrorKind::DecryptionKeyNotConfigured => {
            "--sp-key PEMFILE with the SP's private key (PKCS#8 or PKCS#1 PEM; repeat it for each key of a rotation)"
        }
        ErrorKind::DecryptionFailed => {
            "--sp-key with every live SP private key (the old and the new one during a rotation); 'samlguard inspect --sp-key' shows what decrypts"
        }
        ErrorKind::EncryptionRequired => "leave out --require-encryption to accept a plaintext Assertion",
        _ => return None,
    })
}
