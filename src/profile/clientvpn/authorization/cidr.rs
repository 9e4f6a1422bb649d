//! [`Cidr`]: a destination network of one IP family, parsed strictly.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A destination network: an IPv4 or IPv6 network address and a prefix
/// length, with no bit set past the prefix.
///
/// ```
/// use samlguard::authorization::{Cidr, CidrError};
///
/// let cidr: Cidr = "10.1.0.0/16".parse()?;
/// assert!(cidr.contains("10.1.2.3".parse()?));
/// assert!(!cidr.contains("10.2.0.0".parse()?));
/// assert_eq!(cidr.to_string(), "10.1.0.0/16");
///
/// // Host bits past the prefix are refused, naming the network that was probably meant.
/// let refused = "10.1.2.3/16".parse::<Cidr>().unwrap_err();
/// assert_eq!(refused, CidrError::HostBitsSet { network: "10.1.0.0/16".parse()? });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr(Net);

/// Ordered IPv4 first, then by network address, then by prefix length, so
/// that sorted CIDRs read in address order with a network before its subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Net {
    V4 { network: u32, len: u8 },
    V6 { network: u128, len: u8 },
}

/// Why a `DestinationCidr` is not a [`Cidr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CidrError {
    /// Not `address/prefix` with an IPv4 or IPv6 address and a decimal prefix
    /// length in range (at most 32 for IPv4, 128 for IPv6).
    #[error("not an IPv4 or IPv6 CIDR (address/prefix length)")]
    Malformed,
    /// Bits set past the prefix length, as in `10.1.2.3/16`.
    #[error("host bits are set past the prefix length (the network is {network})")]
    HostBitsSet {
        /// The network the text names once those bits are cleared.
        network: Cidr,
    },
    /// An IPv6 range inside `::ffff:0:0/96`, the IPv4-mapped addresses.
    /// Destinations there are evaluated as IPv4, so such a rule could never
    /// decide anything.
    #[error("an IPv4-mapped IPv6 range (inside ::ffff:0:0/96): write the IPv4 CIDR instead")]
    Ipv4Mapped,
}

/// The IPv4-mapped IPv6 prefix, `::ffff:0:0/96`.
const MAPPED_NETWORK: u128 = 0xffff_u128 << 32;

pub(crate) fn mask_v4(len: u8) -> u32 {
    // `checked_shl` because a shift by 32 would overflow: /0 masks nothing.
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

pub(crate) fn mask_v6(len: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0)
}

impl Cidr {
    /// Parses `address/prefix` strictly: no whitespace, no leading zeros in
    /// the prefix length or in IPv4 octets, no zone index, no host bits.
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let (address, len) = text.split_once('/').ok_or(CidrError::Malformed)?;
        let digits_ok = !len.is_empty()
            && len.len() <= 3
            && len.bytes().all(|b| b.is_ascii_digit())
            && (len == "0" || !len.starts_with('0'));
        if !digits_ok {
            return Err(CidrError::Malformed);
        }
        let len: u8 = len.parse().map_err(|_| CidrError::Malformed)?;
        // The family is chosen by the text's shape, so "::ffff:1.2.3.4" is IPv6.
        let net = if address.contains(':') {
            let address: Ipv6Addr = address.parse().map_err(|_| CidrError::Malformed)?;
            if len > 128 {
                return Err(CidrError::Malformed);
            }
            let bits = u128::from(address);
            let network = bits & mask_v6(len);
            if network != bits {
                return Err(CidrError::HostBitsSet { network: Self(Net::V6 { network, len }) });
            }
            if len >= 96 && network & mask_v6(96) == MAPPED_NETWORK {
                return Err(CidrError::Ipv4Mapped);
            }
            Net::V6 { network, len }
        } else {
            let address: Ipv4Addr = address.parse().map_err(|_| CidrError::Malformed)?;
            if len > 32 {
                return Err(CidrError::Malformed);
            }
            let bits = u32::from(address);
            let network = bits & mask_v4(len);
            if network != bits {
                return Err(CidrError::HostBitsSet { network: Self(Net::V4 { network, len }) });
            }
            Net::V4 { network, len }
        };
        Ok(Self(net))
    }

    pub(crate) fn net(self) -> Net {
        self.0
    }

    /// The network address (every bit past the prefix is zero).
    pub fn network(self) -> IpAddr {
        match self.0 {
            Net::V4 { network, .. } => IpAddr::V4(network.into()),
            Net::V6 { network, .. } => IpAddr::V6(network.into()),
        }
    }

    /// The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6.
    pub fn prefix_len(self) -> u8 {
        match self.0 {
            Net::V4 { len, .. } | Net::V6 { len, .. } => len,
        }
    }

    /// True for an IPv4 network.
    pub fn is_ipv4(self) -> bool {
        matches!(self.0, Net::V4 { .. })
    }

    /// True when `address` is of this network's family and inside it. An
    /// IPv4-mapped IPv6 address is not inside any IPv4 network here:
    /// [`AuthorizationRules::decide`](super::AuthorizationRules::decide) maps
    /// it to IPv4 before asking.
    pub fn contains(self, address: IpAddr) -> bool {
        match (self.0, address) {
            (Net::V4 { network, len }, IpAddr::V4(a)) => u32::from(a) & mask_v4(len) == network,
            (Net::V6 { network, len }, IpAddr::V6(a)) => u128::from(a) & mask_v6(len) == network,
            _ => false,
        }
    }

    /// True when `other` lies inside this network (or is the same network).
    pub fn covers(self, other: Self) -> bool {
        match (self.0, other.0) {
            (Net::V4 { network, len }, Net::V4 { network: o, len: ol }) => {
                ol >= len && o & mask_v4(len) == network
            }
            (Net::V6 { network, len }, Net::V6 { network: o, len: ol }) => {
                ol >= len && o & mask_v6(len) == network
            }
            _ => false,
        }
    }
}

/// `Cidr(10.1.0.0/16)`, not the numbers inside.
impl fmt::Debug for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cidr({self})")
    }
}

impl std::str::FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, CidrError> {
        Self::parse(text)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix_len())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_networks_of_both_families() {
        for text in [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "10.0.2.119/32",
            "172.16.0.128/25",
            "255.255.255.255/32",
            "::/0",
            "2001:db8::/32",
            "2001:db8::1/128",
            "fe80::/10",
            // ::/0 and ::/64 contain the mapped range without lying inside it.
            "::/64",
        ] {
            let cidr = Cidr::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(cidr.to_string(), text);
        }
        assert_eq!(Cidr::parse("2001:DB8:0:0::/32").unwrap().to_string(), "2001:db8::/32");
    }

    #[test]
    fn refuses_malformed_text() {
        for text in [
            "",
            "10.0.0.0",
            "10.0.0.0/",
            "/8",
            "10.0.0/16", // the slip in AWS's scenario 2 text
            "10.0.0.0/33",
            "10.0.0.0/016",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0.0/8 ",
            " 10.0.0.0/8",
            "10.0.0.0 /8",
            "010.0.0.0/8",
            "10.0.0.0/8/8",
            "10.0.0.0/1000",
            "::/129",
            "fe80::%eth0/64",
            "fe80::1%1/128",
            "2001:db8::/٣٢",
            "0x0a.0.0.0/8",
        ] {
            assert_eq!(Cidr::parse(text), Err(CidrError::Malformed), "{text:?}");
        }
    }

    #[test]
    fn host_bits_are_refused_with_the_network() {
        assert_eq!(
            Cidr::parse("10.1.2.3/16"),
            Err(CidrError::HostBitsSet { network: Cidr::parse("10.1.0.0/16").unwrap() })
        );
        assert_eq!(
            Cidr::parse("0.0.0.1/0"),
            Err(CidrError::HostBitsSet { network: Cidr::parse("0.0.0.0/0").unwrap() })
        );
        assert_eq!(
            Cidr::parse("2001:db8::1/64"),
            Err(CidrError::HostBitsSet { network: Cidr::parse("2001:db8::/64").unwrap() })
        );
    }

    #[test]
    fn mapped_ranges_are_refused() {
        for text in ["::ffff:0:0/96", "::ffff:10.0.0.0/104", "::ffff:10.1.2.3/128"] {
            assert_eq!(Cidr::parse(text), Err(CidrError::Ipv4Mapped), "{text}");
        }
        // Next to the mapped range, not in it.
        assert!(Cidr::parse("::fffe:0:0/96").is_ok());
        assert!(Cidr::parse("::/95").is_ok());
    }

    #[test]
    fn containment_respects_family_and_edges() {
        let c = |t: &str| Cidr::parse(t).unwrap();
        let a = |t: &str| t.parse::<IpAddr>().unwrap();
        assert!(c("10.1.0.0/16").contains(a("10.1.0.0")));
        assert!(c("10.1.0.0/16").contains(a("10.1.255.255")));
        assert!(!c("10.1.0.0/16").contains(a("10.2.0.0")));
        assert!(!c("10.1.0.0/16").contains(a("10.0.255.255")));
        assert!(c("0.0.0.0/0").contains(a("255.255.255.255")));
        assert!(!c("0.0.0.0/0").contains(a("::")));
        assert!(!c("::/0").contains(a("0.0.0.0")));
        assert!(!c("0.0.0.0/0").contains(a("::ffff:10.0.0.1")));
        assert!(c("::/0").contains(a("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(c("10.0.2.119/32").contains(a("10.0.2.119")));
        assert!(!c("10.0.2.119/32").contains(a("10.0.2.118")));
        assert!(c("2001:db8::1/128").contains(a("2001:db8::1")));
        assert!(!c("2001:db8::1/128").contains(a("2001:db8::2")));
        assert!(c("10.0.0.0/8").covers(c("10.1.0.0/16")));
        assert!(c("10.0.0.0/8").covers(c("10.0.0.0/8")));
        assert!(!c("10.1.0.0/16").covers(c("10.0.0.0/8")));
        assert!(!c("0.0.0.0/0").covers(c("::/0")));
    }

    #[test]
    fn orders_ipv4_first_then_address_then_length() {
        let mut v: Vec<Cidr> = ["::/0", "10.1.0.0/16", "10.0.0.0/8", "0.0.0.0/0", "10.0.0.0/16"]
            .map(|t| t.parse().unwrap())
            .to_vec();
        v.sort();
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "::/0"]);
    }
}
