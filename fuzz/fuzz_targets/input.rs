//! Any bytes into the input decoder (raw XML, base64, form body): refusals are
//! fine, panics are not, and every accepted output respects the limits.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use samlguard::input::{self, InputLimits};

fuzz_target!(|data: &[u8]| {
    for limits in [
        InputLimits::default(),
        InputLimits::client_vpn(),
        InputLimits::aws_console(),
        InputLimits::new(64, 48),
    ] {
        if let Ok(xml) = input::decode(data, &limits) {
            assert!(data.len() <= limits.max_encoded_bytes);
            assert!(xml.len() <= limits.max_decoded_bytes);
            assert!(!xml.is_empty());
        }
    }
});
