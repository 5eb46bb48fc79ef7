/// The unit recency, T and model time are measured in.
public enum LifetimeTimeUnit: String, Sendable, CaseIterable, Codable {
    case day, week

    /// Days per unit.
    public var days: Double { self == .day ? 1 : 7 }

    /// Units per month for CLV horizons, as lifetimes' `customer_lifetime_value` uses them (30 days, 4.345 weeks).
    public var perMonth: Double { self == .day ? 30 : 4.345 }
}

/// One customer's purchase history summarised for the BG/NBD and Gamma-Gamma models.
///
/// Follows the conventions of lifetimes' `summary_data_from_transaction_data` (with `freq="D"` and
/// `freq_multiplier` = days per unit): purchases on the same UTC day are one purchase, whose value is their sum.
public struct CustomerRFM: Sendable, Equatable {
    public var account: AccountIndex
    /// x: repeat purchases, i.e. distinct purchase days after the first one, up to the calibration end.
    public var frequency: Int
    /// t_x: time from the first to the last purchase day.
    public var recency: Double
    /// T: the customer's age, from the first purchase day to the calibration end day.
    public var age: Double
    /// The mean value of the repeat purchase days (the first is left out), in major units of the reporting currency;
    /// 0 without repeat purchases.
    public var monetaryValue: Double

    public init(account: AccountIndex, frequency: Int, recency: Double, age: Double, monetaryValue: Double = 0) {
        self.account = account
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetaryValue = monetaryValue
    }
}

/// The frequency/recency/T/monetary ("RFM") summary of every purchasing customer (Fader, Hardie and Lee 2005,
/// "Counting your customers the easy way", §2; lifetimes' `summary_data_from_transaction_data`).
public struct RFMSummary: Sendable {
    public var customers: [CustomerRFM]
    public var unit: LifetimeTimeUnit
    /// The last day that counts: orders on it are included, later ones ignored.
    public var calibrationEnd: CivilDate
    /// Orders left out because their currency has no exchange rate into the reporting currency.
    public var ordersWithoutRate: Int

    public init(customers: [CustomerRFM], unit: LifetimeTimeUnit, calibrationEnd: CivilDate, ordersWithoutRate: Int = 0) {
        self.customers = customers
        self.unit = unit
        self.calibrationEnd = calibrationEnd
        self.ordersWithoutRate = ordersWithoutRate
    }

    /// Summarises `orders` up to and including the UTC day of `calibrationEnd`.
    ///
    /// Amounts are converted into the reporting currency at each order's instant and expressed in major units.
    /// Customers are ordered by account index.
    public init(orders: [Order], fx: FxTable, calibrationEnd: CivilDate, unit: LifetimeTimeUnit = .week) {
        let endDay = calibrationEnd.daysSinceEpoch
        let scale = Money.powerOfTen(fx.reportingCurrency.minorUnitExponent)
        // (account, day, value in major units), sorted by account then day.
        var rows: [(account: Int32, day: Int32, value: Double)] = []
        rows.reserveCapacity(orders.count)
        var missing = 0
        for order in orders {
            let day = Int(floorDiv(order.orderedAt.seconds, 86_400))
            guard day <= endDay else { continue }
            guard let minor = fx.convert(order.amount, at: order.orderedAt) else {
                missing += 1
                continue
            }
            rows.append((order.account.value, Int32(day), minor / scale))
        }
        rows.sort { $0.account != $1.account ? $0.account < $1.account : $0.day < $1.day }
        var customers: [CustomerRFM] = []
        var i = 0
        while i < rows.count {
            let account = rows[i].account
            let firstDay = rows[i].day
            var lastDay = firstDay
            var repeatDays = 0
            var repeatValue = 0.0
            // Skip the first purchase day (all its orders).
            while i < rows.count && rows[i].account == account && rows[i].day == firstDay { i += 1 }
            while i < rows.count && rows[i].account == account {
                let day = rows[i].day
                var dayValue = 0.0
                while i < rows.count && rows[i].account == account && rows[i].day == day {
                    dayValue += rows[i].value
                    i += 1
                }
                repeatDays += 1
                repeatValue += dayValue
                lastDay = day
            }
            customers.append(
                CustomerRFM(
                    account: AccountIndex(Int(account)), frequency: repeatDays,
                    recency: Double(lastDay - firstDay) / unit.days, age: Double(endDay - Int(firstDay)) / unit.days,
                    monetaryValue: repeatDays > 0 ? repeatValue / Double(repeatDays) : 0))
        }
        self.init(customers: customers, unit: unit, calibrationEnd: calibrationEnd, ordersWithoutRate: missing)
    }
}
