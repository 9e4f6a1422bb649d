//! Validations that decide nothing: the same response under the other
//! profiles, or under the chosen one with one more key, to tell the operator
//! what would change the verdict. A trial never records a replay (it has no
//! replay store, so a shared store is never touched) and never accepts
//! anything: `verify` exits 1 whatever a trial says.

use std::time::Duration;

use clap::ValueEnum;
use samlguard::crypto::{Algorithms, PublicKey};
use samlguard::{AwsConsole, ClientVpn, Context, Error, Generic, IdpTrust, Policy, Profile};

use super::{AnyPolicy, PolicyArgs, ProfileName, configure};

impl AnyPolicy {
    /// The trusted IdP of the chosen policy.
    pub(crate) fn trust(&self) -> IdpTrust {
        let trust = match self {
            Self::ClientVpn(policy) => policy.trust(),
            Self::AwsConsole(policy) => policy.trust(),
            Self::IdentityCenter(policy) => policy.trust(),
            Self::Generic(policy) => policy.trust(),
        };
        IdpTrust::clone(&trust)
    }
}

/// The name of a profile as `--profile` takes it.
pub(crate) fn profile_name(profile: ProfileName) -> String {
    profile.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default()
}

/// The first other profile that accepts `raw` with the same trust, clock and
/// request ID; the generic profile only when `--audience` and `--acs-url`
/// were given (it has no defaults). The other profiles keep their own
/// audiences and ACS URLs: the flags were given for the chosen one.
pub(crate) fn accepting_profile(
    args: &PolicyArgs,
    trust: &IdpTrust,
    raw: &[u8],
    context: &Context,
) -> Option<ProfileName> {
    ProfileName::value_variants().iter().copied().filter(|&p| p != args.profile).find(|&profile| {
        let result = match profile {
            ProfileName::Clientvpn => {
                run(settle(Policy::<ClientVpn>::new(trust.clone()), args), raw, context)
            }
            ProfileName::AwsConsole => {
                run(settle(Policy::<AwsConsole>::new(trust.clone()), args), raw, context)
            }
            ProfileName::Generic if !args.audience.is_empty() && !args.acs_url.is_empty() => {
                let policy = Policy::<Generic>::new(
                    trust.clone(),
                    args.audience.iter().cloned(),
                    args.acs_url.iter().cloned(),
                );
                run(configure(policy, args, false), raw, context)
            }
            // Profiles that need more than the shared flags are not tried.
            #[allow(unreachable_patterns)]
            _ => None,
        };
        matches!(result, Some(Ok(())))
    })
}

/// The verdict of the chosen profile, with every flag, if `extra` were
/// pinned beside the configured keys. `None` when the trust cannot be built.
pub(crate) fn with_extra_key(
    args: &PolicyArgs,
    trust: &IdpTrust,
    extra: PublicKey,
    raw: &[u8],
    context: &Context,
) -> Option<Result<(), Error>> {
    let mut keys = trust.keys().to_vec();
    keys.push(extra);
    let trust = IdpTrust::from_keys(trust.entity_id(), keys).ok()?;
    match args.profile {
        ProfileName::Clientvpn => run(configure(Policy::<ClientVpn>::new(trust), args, false), raw, context),
        ProfileName::AwsConsole => {
            run(configure(Policy::<AwsConsole>::new(trust), args, false), raw, context)
        }
        ProfileName::Generic => {
            let policy =
                Policy::<Generic>::new(trust, args.audience.iter().cloned(), args.acs_url.iter().cloned());
            run(configure(policy, args, false), raw, context)
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The shared flags (algorithms, clock skew), without a replay store.
fn settle<P: Profile>(policy: Policy<P>, args: &PolicyArgs) -> Policy<P> {
    let algorithms = if args.allow_sha1 { Algorithms::ALLOW_SHA1 } else { Algorithms::STRICT };
    policy
        .with_algorithms(algorithms)
        .with_clock_skew(Duration::from_secs(args.clock_skew))
        .without_replay_store()
}

fn run<P: Profile>(policy: Policy<P>, raw: &[u8], context: &Context) -> Option<Result<(), Error>> {
    Some(policy.without_replay_store().validate(raw, context).map(drop))
}
