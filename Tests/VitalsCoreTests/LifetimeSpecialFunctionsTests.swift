import Foundation
import Testing
import VitalsCore

@Suite struct LifetimeSpecialFunctionsTests {
    @Test func chiSquareTailsAtTabulatedCriticalValues() {
        // The 5 % critical values of chi-square with 1, 2 and 5 degrees of freedom (e.g. Abramowitz and Stegun, 26.8).
        #expect(abs(SpecialFunctions.chiSquareSurvival(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-12)
        #expect(abs(SpecialFunctions.chiSquareSurvival(5.991464547107979, degreesOfFreedom: 2) - 0.05) < 1e-12)
        #expect(abs(SpecialFunctions.chiSquareSurvival(11.070497693516351, degreesOfFreedom: 5) - 0.05) < 1e-12)
        // With 2 degrees of freedom the tail is exactly e^(-x/2); P(1, x) = 1 - e^(-x).
        #expect(relativelyClose(SpecialFunctions.chiSquareSurvival(30, degreesOfFreedom: 2), exp(-15), 1e-12))
        #expect(relativelyClose(SpecialFunctions.regularizedGammaP(1, 0.7), 1 - exp(-0.7), 1e-14))
        #expect(SpecialFunctions.chiSquareSurvival(0, degreesOfFreedom: 3) == 1)
    }

    @Test func normalQuantile() {
        #expect(abs(SpecialFunctions.normalQuantile(0.975) - 1.959963984540054) < 1e-14)
        #expect(abs(SpecialFunctions.normalQuantile(0.5)) < 1e-15)
        #expect(abs(SpecialFunctions.normalQuantile(0.001) - -3.090232306167813) < 1e-12)
    }

    @Test func logSumExp() {
        #expect(relativelyClose(SpecialFunctions.logSumExp(1000, 1000), 1000 + log(2.0), 1e-15))
        #expect(SpecialFunctions.logSumExp(-.infinity, 3) == 3)
        #expect(relativelyClose(SpecialFunctions.logSumExp([log(1.0), log(2.0), log(3.0)]), log(6.0), 1e-15))
    }

    /// [1 - (1-z)^(r+x) ₂F₁(r+x, b+x; a+b+x-1; z)] / (a-1) from mpmath at 40 digits:
    /// ```python
    /// mp.dps = 40; (1 - (1-z)**(r+x) * hyp2f1(r+x, b+x, a+b+x-1, z)) / (a-1)
    /// ```
    @Test(arguments: [
        (0.243, 0.793, 2.426, 2.0, 0.4, 0.30814531378040999),
        (0.243, 0.793, 2.426, 0.0, 0.95, 0.87557083184620762),
        (0.5, 1.5, 3.0, 30.0, 0.7, 0.86793874080745789),
        (0.3, 1.0000001, 2.0, 5.0, 0.5, 0.55975415784822128),
        (2.0, 3.0, 1.5, 200.0, 0.99, 0.49994925671660989),
    ])
    func bgnbdHypergeometricFactor(r: Double, a: Double, b: Double, x: Double, z: Double, expected: Double) {
        let h = SpecialFunctions.bgnbdHypergeometricFactor(r: r, a: a, b: b, x: x, z: z)
        #expect(relativelyClose(h, expected, 1e-12))
    }

    @Test func nelderMeadFindsTheRosenbrockMinimum() {
        let result = NelderMead().minimize({ p in
            let (x, y) = (p[0], p[1])
            return 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x)
        }, from: [-1.2, 1])
        #expect(result.converged)
        #expect(abs(result.point[0] - 1) < 1e-4 && abs(result.point[1] - 1) < 1e-4)
        #expect(result.value < 1e-8)
    }
}
