//! Medians and bootstrap confidence intervals of ratios between ways measured in the same
//! repetitions.

/// The median of `values` (0 for none).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 0 => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        n => v[n / 2],
    }
}

/// A ratio of medians with its 95% confidence interval.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Ratio {
    /// `1.03x [0.98, 1.09]`.
    pub fn show(&self) -> String {
        self.show_places(2)
    }

    /// The ratio and its interval to `places` decimals: `1.004x [0.998, 1.009]` for 3.
    pub fn show_places(&self, places: usize) -> String {
        format!(
            "{:.p$}x [{:.p$}, {:.p$}]",
            self.value,
            self.low,
            self.high,
            p = places
        )
    }

    /// What the interval lets one say of "this time against the baseline's".
    pub fn verdict(&self) -> &'static str {
        self.side("faster", "slower")
    }

    /// `below` where the whole interval is under 1.00x, `above` where it is over, and "not
    /// resolved" where it holds 1 (whatever the decimals shown).
    pub fn side(&self, below: &'static str, above: &'static str) -> &'static str {
        if self.high < 1.0 {
            below
        } else if self.low > 1.0 {
            above
        } else {
            "not resolved (the interval holds 1x)"
        }
    }
}

/// Resamples drawn for each interval.
const RESAMPLES: usize = 4000;

/// median(`way`) / median(`base`), where `way[i]` and `base[i]` come from the same repetition,
/// with a 95% percentile-bootstrap interval: repetitions are resampled with replacement, in pairs,
/// so noise shared by one repetition (the machine busy at that moment) stays paired.
pub fn ratio(way: &[f64], base: &[f64], rng: &mut fastrand::Rng) -> Ratio {
    let n = way.len().min(base.len());
    let value = median(&way[..n]) / median(&base[..n]).max(f64::MIN_POSITIVE);
    if n < 2 {
        return Ratio {
            value,
            low: value,
            high: value,
        };
    }
    let mut ratios = Vec::with_capacity(RESAMPLES);
    let mut a = vec![0.0; n];
    let mut b = vec![0.0; n];
    for _ in 0..RESAMPLES {
        for k in 0..n {
            let i = rng.usize(..n);
            a[k] = way[i];
            b[k] = base[i];
        }
        ratios.push(median(&a) / median(&b).max(f64::MIN_POSITIVE));
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((RESAMPLES as f64 - 1.0) * q).round() as usize];
    Ratio {
        value,
        low: at(0.025),
        high: at(0.975),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn an_interval_holds_its_ratio_and_separates_a_real_difference() {
        let mut rng = fastrand::Rng::with_seed(7);
        let base: Vec<f64> = (0..15).map(|i| 100.0 + f64::from(i % 5)).collect();
        let slower: Vec<f64> = base.iter().map(|v| v * 1.2).collect();
        let r = ratio(&slower, &base, &mut rng);
        assert!(r.low <= r.value && r.value <= r.high);
        assert!((r.value - 1.2).abs() < 1e-9);
        assert_eq!(r.verdict(), "slower");
        assert_eq!(r.side("less", "more"), "more");
        assert_eq!(ratio(&base, &slower, &mut rng).side("less", "more"), "less");
        let same = ratio(&base, &base, &mut rng);
        assert_eq!(same.verdict(), "not resolved (the interval holds 1x)");
    }

    #[test]
    fn a_ratio_is_shown_to_the_places_asked() {
        let r = Ratio {
            value: 1.0042,
            low: 0.99849,
            high: 1.0091,
        };
        assert_eq!(r.show(), "1.00x [1.00, 1.01]");
        assert_eq!(r.show_places(3), "1.004x [0.998, 1.009]");
    }
}
